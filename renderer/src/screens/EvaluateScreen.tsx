import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Paper from "@mui/material/Paper";
import Stack from "@mui/material/Stack";
import Typography from "@mui/material/Typography";
import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { StudioEvents } from "../../../electron/contract/StudioEvents";
import { api } from "../api/client";
import { BlindReview } from "../components/BlindReview";
import { Busy } from "../components/Busy";
import { ErrorAlert } from "../components/ErrorAlert";
import { EvalResults } from "../components/EvalResults";
import { GoldenQuestions } from "../components/GoldenQuestions";
import { ReportPanel } from "../components/ReportPanel";
import { SignOffPanel } from "../components/SignOffPanel";
import { formatDate } from "../format";
import { useAction } from "../hooks/useAction";
import { useAppContext } from "../hooks/useAppContext";
import { useLocalized } from "../hooks/useLocalized";
import { useQuery } from "../hooks/useQuery";
import { useRuns } from "../hooks/useRuns";
import { useStudioEvent } from "../hooks/useStudioEvent";
import type { StepProps } from "./ProjectWizard";
import { RunPicker } from "../components/RunPicker";

type Progress = Pick<StudioEvents["evaluation.progress"], "phase" | "done" | "total">;
const PHASES = ["prepare", "held-out", "general", "answers", "golden", "memorization", "personal-data", "done"];

function Section({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <Paper sx={{ p: 2 }} data-testid={testId}>
      {children}
    </Paper>
  );
}

/**
 * The Evaluate step: golden questions, an evaluation of the newest finished run (progress from
 * evaluation.progress), its scores, the blind review, the expert's sign-off and the report.
 */
export function EvaluateScreen({ project, goStep }: StepProps) {
  const { t } = useTranslation();
  const { lang } = useLocalized();
  const { notify } = useAppContext();
  const runs = useRuns(project.id);
  const run = runs.finished;
  const runId = run?.id ?? null;
  const evaluation = useQuery(() => (runId ? api.getEvaluation({ runId }) : Promise.resolve(null)), [runId], ["evaluations"]);
  const [progress, setProgress] = useState<Progress | null>(null);
  useEffect(() => setProgress(null), [runId]);

  useStudioEvent("evaluation.progress", (p) => {
    if (p.runId !== runId) return;
    if (p.phase === "done") {
      setProgress(null);
      if (p.evaluation) {
        evaluation.setData(p.evaluation);
        notify(p.evaluation.status === "finished" ? t("evaluate.run.done") : t("evaluate.run.failed", { error: p.evaluation.error ?? "" }), p.evaluation.status === "finished" ? "success" : "error");
      } else evaluation.reload();
      return;
    }
    setProgress({ phase: p.phase, done: p.done, total: p.total });
  });

  const start = useAction(async () => {
    if (!runId) return;
    setProgress({ phase: "prepare", done: 0, total: 1 });
    try {
      evaluation.setData(await api.evaluateRun({ runId }));
    } catch (e) {
      setProgress(null);
      throw e;
    }
  });

  const ev = evaluation.data ?? null;
  const running = ev?.status === "running" || start.busy;
  const phaseText = (phase: string) => {
    const [name = "", side] = phase.split(":");
    const label = t(`evaluate.phase.${PHASES.includes(name) ? name : "other"}`);
    return side === "base" || side === "tuned" ? t("evaluate.phaseSide", { phase: label, side: t(`evaluate.side.${side}`) }) : label;
  };
  const percent = progress && progress.total > 0 ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : null;

  if (runs.loading && !runs.data) return <Busy label={t("common.loading")} />;

  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h2">
        {t("evaluate.title")}
      </Typography>
      <Typography color="text.secondary">{t("evaluate.intro")}</Typography>
      {run && <RunPicker runs={runs.runs} finished={runs.finishedRuns} value={run} onChange={runs.choose} />}
      <ErrorAlert error={runs.error} />

      <Section>
        <GoldenQuestions projectId={project.id} />
      </Section>

      <Section>
        <Stack spacing={2}>
          <Typography variant="h6" component="h3">
            {t("evaluate.run.title")}
          </Typography>
          <Typography variant="body2" color="text.secondary">
            {t("evaluate.run.intro")}
          </Typography>
          {!run && (
            <Alert severity="info" action={<Button onClick={() => goStep("train")}>{t("wizard.step.train")}</Button>} data-testid="evaluate-no-run">
              {t("evaluate.needRun")}
            </Alert>
          )}
          {run && <Typography variant="body2">{t("evaluate.run.which", { date: formatDate(run.createdAt, lang) })}</Typography>}
          {run && ev?.status === "finished" && <Typography variant="body2">{t("evaluate.run.finished", { date: formatDate(ev.createdAt, lang) })}</Typography>}
          {run && !ev && evaluation.data === null && <Typography variant="body2">{t("evaluate.run.none")}</Typography>}
          <Box>
            <Button variant="contained" disabled={!run || running} onClick={() => void start.run()} data-testid="evaluate-run">
              {ev ? t("evaluate.run.again") : t("evaluate.run.button")}
            </Button>
          </Box>
          {running && (
            <Box data-testid="evaluate-progress">
              <Busy label={progress ? t("evaluate.run.progress", { phase: phaseText(progress.phase), done: progress.done, total: progress.total }) : t("evaluate.run.running")} value={percent} />
            </Box>
          )}
          <ErrorAlert error={start.error} onClose={() => start.setError(null)} />
          <ErrorAlert error={evaluation.error} />
          {ev?.status === "failed" && <ErrorAlert error={t("evaluate.run.failed", { error: ev.error ?? "" })} />}
        </Stack>
      </Section>

      {ev?.status === "finished" && <EvalResults evaluation={ev} />}

      {ev?.status === "finished" && (
        <Section>
          <Stack spacing={2}>
            <Typography variant="h6" component="h3">
              {t("evaluate.blind.title")}
            </Typography>
            <Typography variant="body2" color="text.secondary">
              {t("evaluate.blind.intro")}
            </Typography>
            <BlindReview evaluationId={ev.id} summary={ev.blind} onRated={evaluation.reload} />
          </Stack>
        </Section>
      )}

      {run && (
        <Section>
          <SignOffPanel evaluation={ev} onSigned={evaluation.setData} />
        </Section>
      )}

      {run && (
        <Section>
          <ReportPanel runId={run.id} />
        </Section>
      )}
    </Stack>
  );
}
