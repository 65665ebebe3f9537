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
import { useAction } from "../hooks/useAction";
import { useRuns } from "../hooks/useRuns";
import { useStudioEvent } from "../hooks/useStudioEvent";
import type { StepProps } from "./ProjectWizard";
import { RunPicker } from "../components/RunPicker";

const newRequestId = () => `cmp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** Checking examples answered per click. */
const VALIDATION_EXAMPLES = 5;

export function CompareScreen({ project, goStep }: StepProps) {
  const { t } = useTranslation();
  const runs = useRuns(project.id);
  const run = runs.finished;
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
          {(stream || result) && (
            <Box data-testid="compare-result">
              <ComparisonCard view={result} streaming={stream} prefix="compare" onRated={setResult} />
            </Box>
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
          {validation?.length === 0 && !loadValidation.busy && <Typography color="text.secondary">{t("compare.noValidation")}</Typography>}
          {validation?.map((v, i) => (
            <Paper key={v.id} variant="outlined" sx={{ p: 2 }}>
              <ComparisonCard view={v} prefix={`validation-${i}`} onRated={(nv) => setValidation((list) => list?.map((x) => (x.id === nv.id ? nv : x)) ?? null)} />
            </Paper>
          ))}
        </Stack>
      </Paper>
    </Stack>
  );
}
