import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { EvaluationView } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { formatDate } from "../format";
import { useAction } from "../hooks/useAction";
import { useAppContext } from "../hooks/useAppContext";
import { useLocalized } from "../hooks/useLocalized";
import { ConfirmDialog } from "./ConfirmDialog";
import { ErrorAlert } from "./ErrorAlert";
import { LONG_TEXT_SX } from "../longText";

/** The expert's sign-off of a finished evaluation: name (the rater name from settings), comment, the existing one. */
export function SignOffPanel({ evaluation, onSigned }: { evaluation: EvaluationView | null; onSigned: (v: EvaluationView) => void }) {
  const { t } = useTranslation();
  const { lang } = useLocalized();
  const { settings, notify } = useAppContext();
  const [name, setName] = useState(settings.raterName);
  const [comment, setComment] = useState("");
  /** A flagged evaluation (warnings under "Things to check") asks once more before the sign-off is recorded. */
  const [confirming, setConfirming] = useState(false);
  const flagged = evaluation?.warnings.length ?? 0;
  // The settings may arrive after the first render: take the rater name while the field is still empty.
  useEffect(() => {
    if (settings.raterName) setName((n) => n || settings.raterName);
  }, [settings.raterName]);

  const finished = evaluation?.status === "finished";
  const sign = useAction(async () => {
    if (!evaluation) return;
    const v = await api.signOff({ evaluationId: evaluation.id, name: name.trim(), comment: comment.trim() });
    setComment("");
    onSigned(v);
    notify(t("evaluate.signoff.signed"), "success");
  });
  const s = evaluation?.signOff ?? null;

  return (
    <Stack spacing={2}>
      <Typography variant="h6" component="h3">
        {t("evaluate.signoff.title")}
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {t("evaluate.signoff.intro")}
      </Typography>
      {s && (
        <Alert severity="success" data-testid="signoff-done">
          <Typography>{t("evaluate.signoff.done", { name: s.name, date: formatDate(s.date, lang) })}</Typography>
          {s.comment && <Typography sx={LONG_TEXT_SX}>{t("evaluate.signoff.doneComment", { comment: s.comment })}</Typography>}
        </Alert>
      )}
      {!finished && <Typography color="text.secondary">{t("evaluate.signoff.needFinished")}</Typography>}
      <Stack
        spacing={1.5}
        component="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!finished || !name.trim()) return;
          if (flagged > 0) setConfirming(true);
          else void sign.run();
        }}
      >
        <TextField label={t("evaluate.signoff.name")} value={name} required disabled={!finished} onChange={(e) => setName(e.target.value)} slotProps={{ htmlInput: { maxLength: 200, autoComplete: "name", "data-testid": "signoff-name" } }} />
        <TextField label={t("evaluate.signoff.comment")} value={comment} multiline minRows={2} disabled={!finished} onChange={(e) => setComment(e.target.value)} slotProps={{ htmlInput: { maxLength: 5000, "data-testid": "signoff-comment" } }} />
        {s && finished && (
          <Typography variant="body2" color="text.secondary">
            {t("evaluate.signoff.again")}
          </Typography>
        )}
        <Box>
          <Button type="submit" variant="contained" disabled={!finished || !name.trim() || sign.busy} data-testid="signoff-submit">
            {t("evaluate.signoff.submit")}
          </Button>
        </Box>
        <ErrorAlert error={sign.error} onClose={() => sign.setError(null)} />
      </Stack>
      <ConfirmDialog
        open={confirming}
        title={t("evaluate.signoff.confirmTitle")}
        text={t("evaluate.signoff.confirmText", { count: flagged })}
        confirmLabel={t("evaluate.signoff.submit")}
        onClose={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void sign.run();
        }}
        testId="signoff-confirm"
      />
    </Stack>
  );
}
