import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import Chip from "@mui/material/Chip";
import LinearProgress from "@mui/material/LinearProgress";
import Stack from "@mui/material/Stack";
import Typography from "@mui/material/Typography";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { DraftJobStatus, DraftJobView } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { isActive, progressPercent } from "../drafting/draftJobs";
import { formatDuration } from "../format";
import { useAction } from "../hooks/useAction";
import { useLocalized } from "../hooks/useLocalized";
import { LONG_TEXT_SX } from "../longText";
import { ConfirmDialog } from "./ConfirmDialog";
import { ErrorAlert } from "./ErrorAlert";

const COLOR: Record<DraftJobStatus, "default" | "primary" | "success" | "error" | "warning"> = {
  running: "primary",
  paused: "warning",
  interrupted: "warning",
  finished: "success",
  cancelled: "default",
  failed: "error",
};

/**
 * A drafting job's progress: passages done of total and time left, pause, resume (also for a job the closed app
 * interrupted) and cancel (which asks first), and the problems per file and page in plain words.
 */
export function DraftProgress({ job, onChange }: { job: DraftJobView; onChange: (job: DraftJobView) => void }) {
  const { t } = useTranslation();
  const { lang, loc } = useLocalized();
  const [confirming, setConfirming] = useState(false);
  const control = useAction(async (what: "pause" | "resume" | "cancel") => {
    const p = { jobId: job.id };
    onChange(what === "pause" ? await api.pauseDrafting(p) : what === "resume" ? await api.resumeDrafting(p) : await api.cancelDrafting(p));
  });
  const pct = progressPercent(job);
  const progressText = t("drafting.progress", { done: job.passagesDone, total: job.passagesTotal });
  const canResume = job.status === "paused" || job.status === "interrupted";

  return (
    <Stack spacing={1} data-testid="draft-progress">
      <Stack direction="row" spacing={1} sx={{ alignItems: "center", flexWrap: "wrap" }}>
        <Chip size="small" color={COLOR[job.status]} label={t(`drafting.status.${job.status}`)} data-testid="draft-status" />
        <Typography variant="body2" sx={LONG_TEXT_SX}>
          {t("drafting.modelUsed", { name: job.model.name, pairs: job.pairs })}
        </Typography>
      </Stack>
      {(isActive(job) || job.passagesTotal > 0) && (
        <>
          <div role="status" aria-live="polite">
            <Typography variant="body2" data-testid="draft-progress-text">
              {progressText}
              {job.status === "running" && job.secondsLeft != null ? ` · ${t("drafting.timeLeft", { time: formatDuration(job.secondsLeft, lang) })}` : ""}
            </Typography>
          </div>
          <LinearProgress aria-label={progressText} variant={pct == null && job.status === "running" ? "indeterminate" : "determinate"} value={pct ?? 0} />
        </>
      )}
      {job.status === "interrupted" && (
        <Alert severity="warning" data-testid="draft-interrupted">
          {t("drafting.interrupted")}
        </Alert>
      )}
      {job.status === "failed" && job.error && (
        <Alert severity="error" data-testid="draft-failed" sx={LONG_TEXT_SX}>
          {t("drafting.failed", { message: loc(job.error) })}
        </Alert>
      )}
      {(job.status === "running" || canResume) && (
        <Stack direction="row" spacing={1}>
          {job.status === "running" && (
            <Button variant="outlined" disabled={control.busy} onClick={() => void control.run("pause")} data-testid="draft-pause">
              {t("drafting.pause")}
            </Button>
          )}
          {canResume && (
            <Button variant="contained" disabled={control.busy} onClick={() => void control.run("resume")} data-testid="draft-resume">
              {t("drafting.resume")}
            </Button>
          )}
          <Button color="error" disabled={control.busy} onClick={() => setConfirming(true)} data-testid="draft-cancel">
            {t("drafting.cancel")}
          </Button>
        </Stack>
      )}
      <ErrorAlert error={control.error} />
      {job.problems.length > 0 && (
        <Alert severity="warning" data-testid="draft-problems" sx={LONG_TEXT_SX}>
          <Typography variant="body2" component="h4" sx={{ fontWeight: 600 }}>
            {t("drafting.problems", { n: job.problems.length })}
          </Typography>
          <ul style={{ margin: 0, paddingInlineStart: 20 }}>
            {job.problems.map((p, i) => {
              // The server's messages name the file and page already; one that does not gets them in front.
              const m = loc(p.message);
              const where = p.page != null ? t("drafting.atPage", { file: p.file, page: p.page }) : p.file;
              return <li key={i}>{m.includes(p.file) ? m : `${where}: ${m}`}</li>;
            })}
          </ul>
        </Alert>
      )}
      <ConfirmDialog
        open={confirming}
        title={t("drafting.confirmCancelTitle")}
        text={t("drafting.confirmCancelText")}
        confirmLabel={t("drafting.cancel")}
        testId="draft-confirm"
        onClose={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void control.run("cancel");
        }}
      />
    </Stack>
  );
}
