import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Checkbox from "@mui/material/Checkbox";
import FormControlLabel from "@mui/material/FormControlLabel";
import FormGroup from "@mui/material/FormGroup";
import Paper from "@mui/material/Paper";
import Stack from "@mui/material/Stack";
import Typography from "@mui/material/Typography";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { EXPORT_FORMATS, type ExportFormat, type ExportSummary } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { Busy } from "../components/Busy";
import { CompatibilityTable } from "../components/CompatibilityTable";
import { ErrorAlert } from "../components/ErrorAlert";
import { ExportFilesTable } from "../components/ExportFilesTable";
import { useAction } from "../hooks/useAction";
import { useAppContext } from "../hooks/useAppContext";
import { useQuery } from "../hooks/useQuery";
import { useRuns } from "../hooks/useRuns";
import type { StepProps } from "./ProjectWizard";
import { RunPicker } from "../components/RunPicker";

export function ExportScreen({ project, goStep }: StepProps) {
  const { t } = useTranslation();
  const { info, notify } = useAppContext();
  const runs = useRuns(project.id);
  const run = runs.finished;
  const [formats, setFormats] = useState<ExportFormat[]>(["gguf", "peft", "ollama", "bundle"]);
  const [outDir, setOutDir] = useState<string | null>(null);
  const [summary, setSummary] = useState<ExportSummary | null>(null);
  const compat = useQuery(() => (run ? api.compatibility({ runId: run.id }) : Promise.resolve([])), [run?.id]);

  const pick = useAction(async () => {
    const dir = await api.pickFolder({ purpose: "export" });
    if (dir) setOutDir(dir);
  });
  const exportAction = useAction(async () => {
    if (!run) return;
    const s = await api.exportRun({ runId: run.id, formats, ...(outDir ? { outDir } : {}) });
    setSummary(s);
    notify(t("export.done", { dir: s.outDir }), "success");
  });

  if (runs.loading && !runs.data) return <Busy label={t("common.loading")} />;
  if (!run)
    return (
      <Stack spacing={2}>
        <Typography variant="h5" component="h2">
          {t("export.title")}
        </Typography>
        <ErrorAlert error={runs.error} />
        <Alert severity="info" action={<Button onClick={() => goStep("train")}>{t("wizard.step.train")}</Button>}>
          {t("compare.needRun")}
        </Alert>
      </Stack>
    );

  const toggle = (f: ExportFormat, on: boolean) => setFormats((s) => (on ? [...s, f] : s.filter((x) => x !== f)));
  /** Q8_0 needs ranks that are multiples of 32; other adapters are written in F16, which the choice says. */
  const q8Falls = run.settings.rank % 32 !== 0;
  const bundleFile = summary?.results.find((r) => r.format === "bundle")?.files.find((f) => f.path.endsWith(".zip")) ?? null;
  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h2">
        {t("export.title")}
      </Typography>
      <Typography color="text.secondary">{t("export.intro")}</Typography>
      <RunPicker runs={runs.runs} finished={runs.finishedRuns} value={run} onChange={runs.choose} />
      <Alert severity="info" data-testid="export-hand-to-it">
        {t("export.handToIt")}
      </Alert>
      <Paper sx={{ p: 2 }} component="section" aria-labelledby="formats-h" data-testid="export-formats">
        <Typography variant="h6" component="h3" id="formats-h">
          {t("export.formats")}
        </Typography>
        <FormGroup role="group" aria-labelledby="formats-h">
          {EXPORT_FORMATS.map((f) => (
            <FormControlLabel
              key={f}
              control={<Checkbox checked={formats.includes(f)} onChange={(e) => toggle(f, e.target.checked)} slotProps={{ input: { "data-testid": `export-format-${f}` } as object }} />}
              label={
                <Box>
                  <strong>{t(`export.format.${f}.name`)}</strong>
                  <Typography variant="body2" color="text.secondary">
                    {t(`export.format.${f}.desc`)}
                  </Typography>
                  {f === "gguf-q8_0" && q8Falls && (
                    <Typography variant="body2" color="warning.main" data-testid="export-q8-fallback">
                      {t("export.q8Fallback", { rank: run.settings.rank })}
                    </Typography>
                  )}
                </Box>
              }
              sx={{ alignItems: "flex-start", my: 0.5 }}
            />
          ))}
        </FormGroup>
      </Paper>
      <Paper sx={{ p: 2 }}>
        <Typography variant="h6" component="h3">
          {t("export.compatibility")}
        </Typography>
        {compat.loading && <Busy label={t("common.loading")} />}
        <ErrorAlert error={compat.error} />
        {compat.data && <CompatibilityTable rows={compat.data} />}
      </Paper>
      <Paper sx={{ p: 2 }}>
        <Stack spacing={1}>
          <Typography variant="h6" component="h3">
            {t("export.output")}
          </Typography>
          {info?.canPickFiles ? (
            <Stack direction="row" spacing={2} sx={{ alignItems: "center" }}>
              <Button variant="outlined" onClick={() => void pick.run()} data-testid="export-pick-folder">
                {t("export.pickFolder")}
              </Button>
              <Typography sx={{ wordBreak: "break-all" }}>{outDir ?? t("export.defaultFolder")}</Typography>
            </Stack>
          ) : (
            <Typography data-testid="export-web-folder">{t("export.webFolder", { home: info?.home ?? "" })}</Typography>
          )}
          <ErrorAlert error={pick.error} />
          <Box>
            <Button variant="contained" disabled={formats.length === 0 || exportAction.busy} onClick={() => void exportAction.run()} data-testid="export-run">
              {t("export.run")}
            </Button>
          </Box>
          {exportAction.busy && <Busy label={t("export.running")} />}
          <ErrorAlert error={exportAction.error} />
        </Stack>
      </Paper>
      {summary && (
        <Paper sx={{ p: 2 }} data-testid="export-files">
          <Typography variant="h6" component="h3">
            {t("export.written", { dir: summary.outDir })}
          </Typography>
          {bundleFile && (
            <Alert severity="success" sx={{ my: 1, overflowWrap: "anywhere" }} data-testid="export-bundle-file">
              {t("export.handToItFile", { path: bundleFile.path })}
            </Alert>
          )}
          <ExportFilesTable summary={summary} />
        </Paper>
      )}
    </Stack>
  );
}
