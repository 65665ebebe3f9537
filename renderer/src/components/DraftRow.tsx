import Button from "@mui/material/Button";
import Chip from "@mui/material/Chip";
import Stack from "@mui/material/Stack";
import TableCell from "@mui/material/TableCell";
import TableRow from "@mui/material/TableRow";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { DraftStatus, DraftView } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { useAction } from "../hooks/useAction";
import { LONG_TEXT_SX } from "../longText";
import { DraftChecksView } from "./DraftChecksView";
import { DraftPassage } from "./DraftPassage";
import { ErrorAlert } from "./ErrorAlert";

const STATUS_COLOR: Record<DraftStatus, "default" | "success" | "info" | "error"> = { pending: "default", accepted: "success", edited: "info", rejected: "error" };

/**
 * One drafted pair in the review table: its source passage (file, page, the answer's evidence marked) beside the
 * question and answer, the checks, and accept / edit / reject / reset. The buttons stay enabled whatever the
 * status (a button that turned disabled would drop the keyboard focus); their names include the question number.
 */
export function DraftRow({ draft, n, onReviewed }: { draft: DraftView; n: number; onReviewed: (d: DraftView) => void }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<{ question: string; answer: string } | null>(null);
  const kept = draft.status === "accepted" || draft.status === "edited";
  const review = useAction(async (action: "accept" | "reject" | "reset" | "edit") => {
    if (action === "edit" && editing) {
      const d = await api.reviewDraft({ draftId: draft.id, action, question: editing.question.trim(), answer: editing.answer.trim() });
      setEditing(null);
      onReviewed(d);
      return;
    }
    const already = (action === "accept" && kept) || (action === "reject" && draft.status === "rejected") || (action === "reset" && draft.status === "pending");
    if (!already) onReviewed(await api.reviewDraft({ draftId: draft.id, action }));
  });
  const label = (action: string) => t("drafting.actionFor", { action, n });
  const where = draft.source.page != null ? t("drafting.atPage", { file: draft.source.file, page: draft.source.page }) : draft.source.file;
  const id = `draft-${n}`;

  return (
    <TableRow data-testid={`draft-row-${n}`} data-status={draft.status} sx={{ verticalAlign: "top" }}>
      <TableCell component="th" scope="row" id={`${id}-h`} sx={{ whiteSpace: "nowrap" }}>
        {t("drafting.number", { n })}
      </TableCell>
      <TableCell sx={{ width: "32%" }}>
        <Typography variant="caption" color="text.secondary" component="p" sx={{ overflowWrap: "anywhere", mb: 0.5 }} data-testid={`${id}-where`}>
          {where}
        </Typography>
        <DraftPassage text={draft.passageText} source={draft.source} testId={`${id}-passage`} />
      </TableCell>
      <TableCell sx={{ width: "30%" }}>
        {editing ? (
          <Stack spacing={1}>
            <TextField label={t("drafting.question")} multiline value={editing.question} onChange={(e) => setEditing({ ...editing, question: e.target.value })} slotProps={{ htmlInput: { maxLength: 20_000, "data-testid": `${id}-edit-question` } }} />
            <TextField label={t("drafting.answer")} multiline minRows={2} value={editing.answer} onChange={(e) => setEditing({ ...editing, answer: e.target.value })} slotProps={{ htmlInput: { maxLength: 20_000, "data-testid": `${id}-edit-answer` } }} />
            <Stack direction="row" spacing={1}>
              <Button variant="contained" size="small" disabled={review.busy || !editing.question.trim() || !editing.answer.trim()} onClick={() => void review.run("edit")} aria-label={label(t("drafting.save"))} data-testid={`${id}-save`}>
                {t("drafting.save")}
              </Button>
              <Button size="small" onClick={() => setEditing(null)} aria-label={label(t("drafting.cancelEdit"))} data-testid={`${id}-cancel-edit`}>
                {t("drafting.cancelEdit")}
              </Button>
            </Stack>
          </Stack>
        ) : (
          <Stack spacing={1}>
            <QA label={t("drafting.question")} text={draft.question} testId={`${id}-question`} />
            <QA label={t("drafting.answer")} text={draft.answer} testId={`${id}-answer`} />
            {draft.drafted && (
              <details data-testid={`${id}-drafted`}>
                <summary>
                  <Typography component="span" variant="body2">
                    {t("drafting.modelWords")}
                  </Typography>
                </summary>
                <QA label={t("drafting.question")} text={draft.drafted.question} />
                <QA label={t("drafting.answer")} text={draft.drafted.answer} />
              </details>
            )}
          </Stack>
        )}
      </TableCell>
      <TableCell sx={{ width: "20%" }}>
        <DraftChecksView checks={draft.checks} testId={`${id}-checks`} />
        {draft.drafted && (
          <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 0.5 }}>
            {t("drafting.checksOfDraft")}
          </Typography>
        )}
      </TableCell>
      <TableCell>
        <Stack spacing={0.75} sx={{ alignItems: "stretch", minWidth: 110 }}>
          <Chip size="small" color={STATUS_COLOR[draft.status]} label={t(`drafting.reviewStatus.${draft.status}`)} data-testid={`${id}-status`} />
          <Button size="small" variant={kept ? "contained" : "outlined"} color="success" aria-pressed={kept} onClick={() => void review.run("accept")} aria-label={label(t("drafting.accept"))} data-testid={`${id}-accept`}>
            {t("drafting.accept")}
          </Button>
          <Button size="small" variant="outlined" onClick={() => setEditing({ question: draft.question, answer: draft.answer })} aria-label={label(t("drafting.edit"))} data-testid={`${id}-edit`}>
            {t("drafting.edit")}
          </Button>
          <Button size="small" variant={draft.status === "rejected" ? "contained" : "outlined"} color="error" aria-pressed={draft.status === "rejected"} onClick={() => void review.run("reject")} aria-label={label(t("drafting.reject"))} data-testid={`${id}-reject`}>
            {t("drafting.reject")}
          </Button>
          <Button size="small" onClick={() => void review.run("reset")} aria-label={label(t("drafting.reset"))} data-testid={`${id}-reset`}>
            {t("drafting.reset")}
          </Button>
        </Stack>
        <ErrorAlert error={review.error} />
      </TableCell>
    </TableRow>
  );
}

function QA({ label, text, testId }: { label: string; text: string; testId?: string }) {
  return (
    <div>
      <Typography variant="caption" color="text.secondary" component="p">
        {label}
      </Typography>
      <Typography variant="body2" sx={LONG_TEXT_SX} data-testid={testId}>
        {text}
      </Typography>
    </div>
  );
}
