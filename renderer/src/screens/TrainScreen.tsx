import Alert from "@mui/material/Alert";
import AlertTitle from "@mui/material/AlertTitle";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import LinearProgress from "@mui/material/LinearProgress";
import Paper from "@mui/material/Paper";
import Stack from "@mui/material/Stack";
import Typography from "@mui/material/Typography";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { RunStatus } from "../../../electron/contract/dto";
import { TrainSettingsPatchSchema } from "../../../electron/contract/schemas";
import { api } from "../api/client";
import { Busy } from "../components/Busy";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ErrorAlert } from "../components/ErrorAlert";
import { MetricChart } from "../components/MetricChart";
import { RunStatusChip } from "../components/RunStatusChip";
import { formatDuration } from "../format";
import { useAction } from "../hooks/useAction";
import { useAppContext } from "../hooks/useAppContext";
import { useLocalized } from "../hooks/useLocalized";
import { useRunChoice } from "../hooks/useRunChoice";
import { useRunDetail } from "../hooks/useRunDetail";
import type { StepProps } from "./ProjectWizard";
import { RunHistory } from "../components/RunHistory";
import { useRuns } from "../hooks/useRuns";

const ACTIVE: RunStatus[] = ["queued", "running", "paused"];

function notifyDone(title: string, body: string) {
  if (typeof Notification !== "undefined" && Notification.permission === "granted") {
    try {
      new Notification(title, { body });
    } catch {
      // Some browsers only allow notifications from a service worker; the snackbar still shows.
    }
  }
}

export function TrainScreen({ project, goStep, reloadProject }: StepProps) {
  const { t } = useTranslation();
  const { lang, loc } = useLocalized();
  const { settings, notify } = useAppContext();
  const [choice, setChoice] = useRunChoice(project.id);
  const history = useRuns(project.id);
  const { run, error, loading, setView } = useRunDetail(project.latestRun?.id ?? null);
  const prevStatus = useRef<RunStatus | null>(null);
  /** Starting over and cancelling cannot be undone: each asks first. */
  const [confirming, setConfirming] = useState<"startNew" | "cancel" | null>(null);

  // Tell the user when a run they watched ends.
  useEffect(() => {
    const s = run?.status ?? null;
    const was = prevStatus.current;
    prevStatus.current = s;
    if (!was || !s || !ACTIVE.includes(was) || ACTIVE.includes(s)) return;
    if (s === "finished") {
      const msg = t("train.doneText", { name: project.name });
      notify(msg, "success");
      notifyDone(t("train.doneTitle"), msg);
    } else if (s === "failed") notify(t("train.failedTitle"), "error");
    reloadProject();
  }, [run?.status, notify, t, project.name, reloadProject]);

  const start = useAction(async () => {
    if (typeof Notification !== "undefined" && Notification.permission === "default") void Notification.requestPermission().catch(() => undefined);
    // The choice was kept in localStorage: check it again before it goes out.
    const overrides = TrainSettingsPatchSchema.parse(choice.overrides);
    const v = await api.startRun({ projectId: project.id, mode: choice.mode, overrides });
    setChoice({ ...choice, accepted: false });
    setView(v);
    reloadProject();
  });
  const control = useAction(async (what: "pause" | "resume" | "cancel") => {
    if (!run) return;
    const v = what === "pause" ? await api.pauseRun({ runId: run.id }) : what === "resume" ? await api.resumeRun({ runId: run.id }) : await api.cancelRun({ runId: run.id });
    setView(v);
  });

  const active = run && ACTIVE.includes(run.status);
  const pct = run?.totalSteps ? (100 * run.step) / run.totalSteps : null;
  const missing = !project.modelId || !project.datasetId;
  /** Started, but the worker has not yet said how many steps there will be (it is loading the model and data). */
  const preparing = !!active && run.step === 0 && run.totalSteps == null;

  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h2">
        {t("train.title")}
      </Typography>
      <ErrorAlert error={error} />
      {loading && !run && <Busy label={t("common.loading")} />}

      {!active && (
        <Paper sx={{ p: 2 }}>
          <Typography sx={{ mb: 1 }}>
            {t("train.choice", { mode: t(`settings.mode.${choice.mode}`), n: Object.keys(choice.overrides).length })}
          </Typography>
          {missing && <Alert severity="info">{t("settings.needModelAndData")}</Alert>}
          <Stack direction="row" spacing={1}>
            <Button variant="contained" disabled={start.busy || missing} onClick={() => (run ? setConfirming("startNew") : void start.run())} data-testid="train-start">
              {run ? t("train.startNew") : t("train.start")}
            </Button>
            <Button onClick={() => goStep("settings")} data-testid="train-change-settings">
              {t("train.changeSettings")}
            </Button>
          </Stack>
          {start.busy && <Busy label={t("train.starting")} />}
          <ErrorAlert error={start.error} />
        </Paper>
      )}

      {run && (
        <Paper sx={{ p: 2 }} data-testid="train-run">
          <Stack spacing={2}>
            <Stack direction="row" spacing={2} sx={{ alignItems: "center", flexWrap: "wrap" }}>
              <RunStatusChip status={run.status} />
              <Typography data-testid="train-status-text" role="status">
                {preparing ? t("train.preparing") : t(`train.statusText.${run.status}`, { step: run.step, total: run.totalSteps ?? "?" })}
                {run.finishReason && run.finishReason !== run.status ? ` (${t(`train.finish.${run.finishReason}`)})` : ""}
              </Typography>
            </Stack>
            <Box>
              <LinearProgress
                variant={pct == null && active ? "indeterminate" : "determinate"}
                value={pct ?? 0}
                aria-label={t("train.progress")}
                sx={{ height: 10, borderRadius: 5 }}
                data-testid="train-progress"
              />
              <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
                {run.totalSteps != null ? t("train.stepOf", { step: run.step, total: run.totalSteps }) : t("train.stepOfUnknown", { step: run.step })}
                {active && run.etaSeconds != null ? ` · ${t("train.eta", { eta: formatDuration(run.etaSeconds, lang) })}` : ""}
                {run.bestValLoss != null ? ` · ${t("train.bestVal", { v: run.bestValLoss.toFixed(4) })}` : ""}
                {run.backend ? ` · ${run.backend}` : ""}
              </Typography>
            </Box>
            <Stack direction="row" spacing={1}>
              {run.status === "running" && (
                <Button variant="outlined" onClick={() => void control.run("pause")} disabled={control.busy} data-testid="train-pause">
                  {t("train.pause")}
                </Button>
              )}
              {(run.status === "paused" || run.status === "interrupted" || (run.status === "failed" && run.error?.resumable)) && (
                <Button variant="contained" onClick={() => void control.run("resume")} disabled={control.busy} data-testid="train-resume">
                  {t("train.resume")}
                </Button>
              )}
              {active && (
                <Button color="error" onClick={() => setConfirming("cancel")} disabled={control.busy} data-testid="train-cancel">
                  {t("train.cancel")}
                </Button>
              )}
              {run.status === "finished" && (
                <Button variant="contained" onClick={() => goStep("compare")} data-testid="train-to-compare">
                  {t("train.toCompare")}
                </Button>
              )}
            </Stack>
            <ErrorAlert error={control.error} />
            {run.error && (
              <Alert severity={run.status === "interrupted" ? "warning" : "error"} data-testid="train-error">
                <AlertTitle>{run.status === "interrupted" ? t("train.interruptedTitle") : t("train.failedTitle")}</AlertTitle>
                {run.error.message}
                {run.error.hint && (
                  <Box sx={{ mt: 1 }}>
                    <strong>{t("train.whatToTry")}</strong> {loc(run.error.hint)}
                  </Box>
                )}
                {run.error.resumable && <Box sx={{ mt: 1 }}>{t("train.resumable")}</Box>}
              </Alert>
            )}
            {run.adjustments.length > 0 && (
              <Alert severity="info">
                <AlertTitle>{t("train.adjustments")}</AlertTitle>
                {run.adjustments.map((a, i) => (
                  <div key={i}>
                    {a.change}: {a.reason}
                  </div>
                ))}
              </Alert>
            )}
            <Box data-testid="train-chart" sx={{ display: "grid", gridTemplateColumns: { xs: "1fr", md: settings.advanced ? "1fr 1fr" : "1fr" }, gap: 2 }}>
              <MetricChart points={run.metrics} keys={["loss", "valLoss"]} title={t("train.lossChart")} testId="train-chart-loss" />
              {settings.advanced && <MetricChart points={run.metrics} keys={["lr"]} title={t("train.lrChart")} testId="train-chart-lr" />}
              {settings.advanced && <MetricChart points={run.metrics} keys={["adapterNorm"]} title={t("train.normChart")} testId="train-chart-norm" />}
            </Box>
          </Stack>
        </Paper>
      )}
      {history.runs.length > 1 && (
        <Paper sx={{ p: 2 }}>
          <RunHistory runs={history.runs} bestId={project.bestRun?.id ?? null} />
        </Paper>
      )}
      <ConfirmDialog
        open={confirming !== null}
        title={confirming === "cancel" ? t("train.confirmCancelTitle") : t("train.confirmStartNewTitle")}
        text={confirming === "cancel" ? t("train.confirmCancelText") : t("train.confirmStartNewText")}
        confirmLabel={confirming === "cancel" ? t("train.cancel") : t("train.startNew")}
        onClose={() => setConfirming(null)}
        onConfirm={() => {
          const what = confirming;
          setConfirming(null);
          if (what === "cancel") void control.run("cancel");
          else void start.run();
        }}
        testId="train-confirm"
      />
    </Stack>
  );
}
