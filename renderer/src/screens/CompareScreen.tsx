import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import FormControlLabel from "@mui/material/FormControlLabel";
import Paper from "@mui/material/Paper";
import Stack from "@mui/material/Stack";
import Switch from "@mui/material/Switch";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ComparisonView } from "../../../electron/contract/dto";
import { SamplingSchema } from "../../../electron/contract/schemas";
import { api } from "../api/client";
import { Busy } from "../components/Busy";
import { ComparisonCard } from "../components/ComparisonCard";
import { ErrorAlert } from "../components/ErrorAlert";
import { SavedPrompts } from "../components/SavedPrompts";
import { formatDate } from "../format";
import { useAction } from "../hooks/useAction";
import { useLocalized } from "../hooks/useLocalized";
import { useQuery } from "../hooks/useQuery";
import { useRuns } from "../hooks/useRuns";
import { useStudioEvent } from "../hooks/useStudioEvent";
import type { StepProps } from "./ProjectWizard";
import { RunPicker } from "../components/RunPicker";

const newRequestId = () => `cmp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** Checking examples answered per click. */
const VALIDATION_EXAMPLES = 5;
/** Earlier free questions of the run shown below the newest one. */
const EARLIER_SHOWN = 10;

/**
 * What the store already holds for a run (newest first from listComparisons): its free questions (no expected
 * answer), and its newest answer to each checking example, in the order asked. Shown again after the user leaves
 * the screen or reloads.
 */
export function keptComparisons(all: readonly ComparisonView[], runId: string | null): { questions: ComparisonView[]; validation: ComparisonView[] } {
  const mine = all.filter((c) => c.runId === runId);
  const seen = new Set<string>();
  const validation = mine.filter((c) => c.reference !== null && !seen.has(c.prompt) && seen.add(c.prompt)).slice(0, VALIDATION_EXAMPLES).reverse();
  return { questions: mine.filter((c) => c.reference === null), validation };
}

export function CompareScreen({ project, goStep }: StepProps) {
  const { t } = useTranslation();
  const { lang } = useLocalized();
  const runs = useRuns(project.id);
  const run = runs.finished;
  const stored = useQuery(() => api.listComparisons({ projectId: project.id }), [project.id], ["comparisons"]);
  const [prompt, setPrompt] = useState("");
  const [blind, setBlind] = useState(false);
  const [sampling, setSampling] = useState({ temperature: "0", maxTokens: "256", seed: "1" });
  const [stream, setStream] = useState<{ a: string; b: string; blind: boolean } | null>(null);
  const [result, setResult] = useState<ComparisonView | null>(null);
  const [validation, setValidation] = useState<ComparisonView[] | null>(null);
  const requestId = useRef<string | null>(null);

  useStudioEvent("chat.token", (p) => {
    if (p.requestId !== requestId.current) return;
    setStream((s) => (s ? { ...s, [p.side]: s[p.side] + p.text } : s));
  });

  const parsed = SamplingSchema.safeParse({ temperature: Number(sampling.temperature), maxTokens: Number(sampling.maxTokens), seed: Number(sampling.seed) });
  const fieldError = (k: "temperature" | "maxTokens" | "seed") => (parsed.success ? null : (parsed.error.issues.find((i) => i.path[0] === k)?.message ?? null));

  const send = useAction(async () => {
    if (!run || !parsed.success) return;
    const id = newRequestId();
    requestId.current = id;
    setResult(null);
    setStream({ a: "", b: "", blind });
    try {
      const v = await api.compare({ projectId: project.id, runId: run.id, prompt, blind, sampling: parsed.data, requestId: id });
      if (requestId.current === id) setResult(v);
    } finally {
      if (requestId.current === id) requestId.current = null;
    }
  });
  const stop = async () => {
    if (requestId.current) await api.stopCompare({ requestId: requestId.current }).catch(() => undefined);
  };
  /** How many of the checking examples are answered so far (they are asked one at a time, each shown as it comes). */
  const [validationDone, setValidationDone] = useState(0);
  const loadValidation = useAction(async () => {
    if (!run) return;
    setValidation([]);
    for (let i = 0; i < VALIDATION_EXAMPLES; i++) {
      setValidationDone(i);
      const next = await api.compareValidation({ runId: run.id, limit: 1, skip: i, blind });
      if (next.length === 0) break; // fewer checking examples than asked for
      setValidation((list) => [...(list ?? []), ...next]);
    }
  });

  const kept = keptComparisons(stored.data ?? [], run?.id ?? null);
  // This session's answer while it streams or once back; else the newest one the store kept for this run.
  const current = result && result.runId === run?.id ? result : null;
  const live = send.busy ? stream : null;
  const shown = live ? current : (current ?? kept.questions[0] ?? null);
  const restored = !live && !current && shown !== null;
  const earlier = kept.questions.filter((c) => c.id !== shown?.id).slice(0, EARLIER_SHOWN);
  const validationShown = validation ?? (kept.validation.length ? kept.validation : null);

  if (runs.loading && !runs.data) return <Busy label={t("common.loading")} />;
  if (!run)
    return (
      <Stack spacing={2}>
        <Typography variant="h5" component="h2">
          {t("compare.title")}
        </Typography>
        <ErrorAlert error={runs.error} />
        <Alert severity="info" action={<Button onClick={() => goStep("train")}>{t("wizard.step.train")}</Button>} data-testid="compare-no-run">
          {t("compare.needRun")}
        </Alert>
      </Stack>
    );

  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h2">
        {t("compare.title")}
      </Typography>
      <Typography color="text.secondary">{t("compare.intro")}</Typography>
      <RunPicker runs={runs.runs} finished={runs.finishedRuns} value={run} onChange={runs.choose} />
      <Paper sx={{ p: 2 }}>
        <Stack spacing={2}>
          <TextField
            label={t("compare.prompt")}
            multiline
            minRows={3}
            value={prompt}
            onChange={(e) => setPrompt(e.target.value)}
            slotProps={{ htmlInput: { "data-testid": "compare-prompt" } }}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && prompt.trim()) void send.run();
            }}
          />
          <Stack direction="row" spacing={2} sx={{ flexWrap: "wrap", alignItems: "flex-start" }}>
            {(["temperature", "maxTokens", "seed"] as const).map((k) => (
              <TextField
                key={k}
                size="small"
                label={t(`compare.sampling.${k}`)}
                value={sampling[k]}
                onChange={(e) => setSampling((s) => ({ ...s, [k]: e.target.value }))}
                error={!!fieldError(k)}
                helperText={fieldError(k) ?? " "}
                slotProps={{ htmlInput: { inputMode: "decimal", "data-testid": `compare-${k}` } }}
                sx={{ width: k === "maxTokens" ? 260 : 150 }}
              />
            ))}
            <FormControlLabel
              control={<Switch checked={blind} onChange={(e) => setBlind(e.target.checked)} slotProps={{ input: { "data-testid": "compare-blind" } as object }} />}
              label={t("compare.blind")}
            />
          </Stack>
          <Stack direction="row" spacing={1}>
            <Button variant="contained" disabled={!prompt.trim() || send.busy || !parsed.success} onClick={() => void send.run()} data-testid="compare-send">
              {t("compare.send")}
            </Button>
            {send.busy && (
              <Button color="warning" onClick={() => void stop()} data-testid="compare-stop">
                {t("compare.stop")}
              </Button>
            )}
          </Stack>
          {send.busy && <Busy label={t("compare.answering")} />}
          <ErrorAlert error={send.error} />
          {(live || shown) && (
            <Box data-testid="compare-result">
              {restored && (
                <Typography variant="caption" color="text.secondary" component="p" sx={{ mb: 1 }} data-testid="compare-kept">
                  {t("compare.askedAt", { time: formatDate(shown.createdAt, lang) })}
                </Typography>
              )}
              <ComparisonCard view={shown} streaming={live} prefix="compare" onRated={setResult} />
            </Box>
          )}
          {earlier.length > 0 && (
            <details data-testid="compare-earlier">
              <summary>
                <Typography component="span">{t("compare.earlierTitle", { count: earlier.length })}</Typography>
              </summary>
              <Stack spacing={2} sx={{ mt: 1 }}>
                {earlier.map((c, i) => (
                  <Paper key={c.id} variant="outlined" sx={{ p: 2 }}>
                    <Typography variant="caption" color="text.secondary" component="p" sx={{ mb: 1 }}>
                      {t("compare.askedAt", { time: formatDate(c.createdAt, lang) })}
                    </Typography>
                    <ComparisonCard view={c} prefix={`earlier-${i}`} onRated={() => stored.reload()} />
                  </Paper>
                ))}
              </Stack>
            </details>
          )}
        </Stack>
      </Paper>

      <Paper sx={{ p: 2 }}>
        <SavedPrompts projectId={project.id} current={prompt} onUse={setPrompt} />
      </Paper>

      <Paper sx={{ p: 2 }} data-testid="compare-validation">
        <Stack spacing={2}>
          <Typography variant="h6" component="h3">
            {t("compare.validationTitle")}
          </Typography>
          <Typography variant="body2" color="text.secondary">
            {t("compare.validationText")}
          </Typography>
          <Box>
            <Button variant="outlined" onClick={() => void loadValidation.run()} disabled={loadValidation.busy} data-testid="compare-validation-run">
              {t("compare.validationRun")}
            </Button>
          </Box>
          {loadValidation.busy && <Busy label={t("compare.validationBusy", { done: validationDone, total: VALIDATION_EXAMPLES })} value={(100 * validationDone) / VALIDATION_EXAMPLES} />}
          <ErrorAlert error={loadValidation.error} />
          {validationShown?.length === 0 && !loadValidation.busy && <Typography color="text.secondary">{t("compare.noValidation")}</Typography>}
          {validation === null && validationShown && (
            <Typography variant="caption" color="text.secondary" data-testid="compare-validation-kept">
              {t("compare.askedAt", { time: formatDate(validationShown.at(-1)!.createdAt, lang) })}
            </Typography>
          )}
          {validationShown?.map((v, i) => (
            <Paper key={v.id} variant="outlined" sx={{ p: 2 }}>
              <ComparisonCard view={v} prefix={`validation-${i}`} onRated={(nv) => setValidation((list) => (list ?? kept.validation).map((x) => (x.id === nv.id ? nv : x)))} />
            </Paper>
          ))}
        </Stack>
      </Paper>
    </Stack>
  );
}
