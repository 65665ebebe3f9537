import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import LinearProgress from "@mui/material/LinearProgress";
import Paper from "@mui/material/Paper";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import ToggleButton from "@mui/material/ToggleButton";
import ToggleButtonGroup from "@mui/material/ToggleButtonGroup";
import Typography from "@mui/material/Typography";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { TRAINING_MODES, type TrainingMode, type TrainSettings } from "../../../electron/contract/dto";
import { TrainSettingsPatchSchema } from "../../../electron/contract/schemas";
import { api } from "../api/client";
import { AdvancedSettings } from "../components/AdvancedSettings";
import { Busy } from "../components/Busy";
import { ErrorAlert } from "../components/ErrorAlert";
import { formatDuration, formatMb } from "../format";
import { useAppContext } from "../hooks/useAppContext";
import { useLocalized } from "../hooks/useLocalized";
import { useQuery } from "../hooks/useQuery";
import { useRunChoice } from "../hooks/useRunChoice";
import type { StepProps } from "./ProjectWizard";

export function SettingsScreen({ project, goStep }: StepProps) {
  const { t } = useTranslation();
  const { lang, loc } = useLocalized();
  const { settings } = useAppContext();
  const [choice, setChoice] = useRunChoice(project.id);
  const [mode, setMode] = useState<TrainingMode>(choice.mode);
  const [overrides, setOverrides] = useState<Partial<TrainSettings>>(choice.overrides);
  const [invalid, setInvalid] = useState<string[]>([]);
  // The prediction follows the advanced edits, asked for once typing pauses.
  const [asked, setAsked] = useState<Partial<TrainSettings>>(settings.advanced ? overrides : {});
  useEffect(() => {
    const next = settings.advanced ? overrides : {};
    const timer = setTimeout(() => setAsked(next), 400);
    return () => clearTimeout(timer);
  }, [overrides, settings.advanced]);
  const askedKey = JSON.stringify(asked);
  const rec = useQuery(() => api.recommend({ projectId: project.id, mode, overrides: TrainSettingsPatchSchema.safeParse(asked).data ?? {} }), [project.id, mode, askedKey], ["datasets", "models"]);
  const r = rec.data;
  const missing = !project.modelId || !project.datasetId;

  // Values come as text; lists and switches read better in words.
  const showValue = (v: string) => (v === "true" ? t("common.on") : v === "false" ? t("common.off") : /^\[.*\]$/.test(v) ? v.replace(/[[\]"]/g, "").split(",").join(", ") : v);
  const memShare = r && r.predicted.budgetMb > 0 ? Math.min(100, (100 * r.predicted.peakMemoryMb) / r.predicted.budgetMb) : 0;
  const overBudget = r ? r.predicted.peakMemoryMb > r.predicted.budgetMb : false;

  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h2">
        {t("settings.title")}
      </Typography>
      {missing && (
        <Alert severity="info" action={<Button onClick={() => goStep(project.modelId ? "data" : "model")}>{t("settings.goBack")}</Button>}>
          {t("settings.needModelAndData")}
        </Alert>
      )}
      <Paper sx={{ p: 2 }}>
        <Typography id="mode-label" sx={{ mb: 1 }}>
          {t("settings.modeLabel")}
        </Typography>
        <ToggleButtonGroup exclusive value={mode} onChange={(_, v: TrainingMode | null) => v && setMode(v)} aria-labelledby="mode-label" data-testid="settings-mode">
          {TRAINING_MODES.map((m) => (
            <ToggleButton key={m} value={m} data-testid={`mode-${m}`} sx={{ flexDirection: "column", alignItems: "flex-start", textTransform: "none", maxWidth: 260 }}>
              <strong>{t(`settings.mode.${m}`)}</strong>
              <span style={{ fontSize: 12 }}>{t(`settings.modeHint.${m}`)}</span>
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
      </Paper>
      {rec.loading && <Busy label={t("settings.computing")} />}
      <ErrorAlert error={rec.error} />
      {r && (
        <Paper sx={{ p: 2 }} data-testid="settings-recommendation">
          <Stack spacing={2}>
            <Typography variant="h6" component="h3">
              {t("settings.prediction")}
            </Typography>
            <div>
              <Typography variant="body2" id="mem-label">
                {t("settings.memory", { peak: formatMb(r.predicted.peakMemoryMb, lang), budget: formatMb(r.predicted.budgetMb, lang), limit: t(`settings.memoryLimit.${r.predicted.memoryLimit}`) })}
              </Typography>
              <LinearProgress variant="determinate" value={memShare} color={overBudget ? "error" : memShare > 85 ? "warning" : "success"} aria-labelledby="mem-label" sx={{ height: 10, borderRadius: 5 }} />
            </div>
            <Typography variant="body2" data-testid="settings-device">
              {t(r.device.kind === "gpu" ? "settings.deviceGpu" : "settings.deviceCpu", { name: r.device.name, epoch: formatDuration(r.predicted.secondsPerEpoch === null ? null : Math.max(1, r.predicted.secondsPerEpoch), lang) })}
              {r.device.decision && (
                <>
                  <br />
                  <span data-testid="settings-device-decision">{loc(r.device.decision)}</span>
                </>
              )}
            </Typography>
            <Typography variant="body2" data-testid="settings-time">
              {t("settings.time", { total: formatDuration(r.predicted.secondsTotal, lang), epoch: formatDuration(r.predicted.secondsPerEpoch, lang), steps: r.totalSteps ?? "—", examples: r.trainExamples ?? "—", backend: r.backend })}
            </Typography>
            <Table size="small" aria-label={t("settings.reasons")} data-testid="settings-reasons">
              <TableHead>
                <TableRow>
                  <TableCell>{t("settings.setting")}</TableCell>
                  <TableCell>{t("settings.value")}</TableCell>
                  <TableCell>{t("settings.why")}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {r.reasons.map((x) => (
                  <TableRow key={x.key}>
                    <TableCell>{t(`settings.field.${x.key}`)}</TableCell>
                    <TableCell>{showValue(x.value)}</TableCell>
                    <TableCell>{loc(x.reason)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {settings.advanced && (
              <>
                <Typography variant="h6" component="h3">
                  {t("settings.advancedTitle")}
                </Typography>
                <AdvancedSettings
                  base={r.settings}
                  overrides={overrides}
                  onChange={(o, bad) => {
                    setOverrides(o);
                    setInvalid(bad);
                  }}
                />
              </>
            )}
            {invalid.length > 0 && <Alert severity="error">{t("settings.fixFields", { list: invalid.map((k) => t(`settings.field.${k}`)).join(", ") })}</Alert>}
            <Stack direction="row" spacing={1}>
              <Button
                variant="contained"
                disabled={invalid.length > 0 || missing}
                onClick={() => {
                  setChoice({ mode, overrides: settings.advanced ? overrides : {}, accepted: true });
                  goStep("train");
                }}
                data-testid="settings-accept"
              >
                {t("settings.accept")}
              </Button>
            </Stack>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
