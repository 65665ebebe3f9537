import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import Dialog from "@mui/material/Dialog";
import DialogActions from "@mui/material/DialogActions";
import DialogContent from "@mui/material/DialogContent";
import DialogTitle from "@mui/material/DialogTitle";
import FormControl from "@mui/material/FormControl";
import FormControlLabel from "@mui/material/FormControlLabel";
import FormLabel from "@mui/material/FormLabel";
import Radio from "@mui/material/Radio";
import RadioGroup from "@mui/material/RadioGroup";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { DraftJobView, FileRef, ModelInfo, ProjectSummary } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { formatBytes } from "../format";
import { useAction } from "../hooks/useAction";
import { useLocalized } from "../hooks/useLocalized";
import { useQuery } from "../hooks/useQuery";
import { LONG_TEXT_SX } from "../longText";
import { Busy } from "./Busy";
import { DraftModelAdder } from "./DraftModelAdder";
import { ErrorAlert } from "./ErrorAlert";

/**
 * Starts drafting question-answer pairs from the Data step's documents: which local model drafts (the project's
 * base model unless the user picks or adds another) and how many pairs per passage; it says plainly that a bigger
 * model drafts better, that a person must check every pair, and that nothing leaves the computer.
 */
export function DraftStartDialog(props: { project: ProjectSummary; documents: FileRef[]; onClose: () => void; onStarted: (job: DraftJobView) => void }) {
  const { t } = useTranslation();
  const { lang } = useLocalized();
  const models = useQuery(() => api.listModels({}), [], ["models"]);
  const [modelId, setModelId] = useState<string | null>(props.project.modelId);
  const [pairs, setPairs] = useState("3");
  const n = Number(pairs);
  const pairsOk = Number.isInteger(n) && n >= 1 && n <= 10;
  const list = orderModels(models.data ?? [], props.project.modelId);

  const start = useAction(async () => {
    if (!modelId || !pairsOk) return;
    const job = await api.startDrafting({ projectId: props.project.id, paths: props.documents.map((d) => d.path), modelId, pairs: n });
    props.onStarted(job);
  });
  const added = (m: ModelInfo) => {
    models.setData([...(models.data ?? []).filter((x) => x.id !== m.id), m]);
    setModelId(m.id);
  };

  return (
    <Dialog open onClose={props.onClose} aria-labelledby="draft-start-title" maxWidth="md" fullWidth data-testid="draft-dialog">
      <DialogTitle id="draft-start-title">{t("drafting.dialogTitle")}</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <Typography variant="body2" sx={LONG_TEXT_SX} data-testid="draft-documents">
            {t("drafting.documents", { list: props.documents.map((d) => d.name).join(", ") })}
          </Typography>
          <Alert severity="info" data-testid="draft-notes">
            <Typography variant="body2">{t("drafting.bigger")}</Typography>
            <Typography variant="body2">{t("drafting.mustCheck")}</Typography>
            <Typography variant="body2">{t("drafting.offline")}</Typography>
          </Alert>
          <FormControl>
            <FormLabel id="draft-model-label">{t("drafting.modelLabel")}</FormLabel>
            {models.loading && !models.data && <Busy label={t("common.loading")} />}
            <ErrorAlert error={models.error} />
            {models.data && list.length === 0 && <Typography color="text.secondary">{t("drafting.noModels")}</Typography>}
            <RadioGroup aria-labelledby="draft-model-label" value={modelId ?? ""} onChange={(e) => setModelId(e.target.value)} data-testid="draft-models">
              {list.map((m) => (
                <FormControlLabel
                  key={m.id}
                  value={m.id}
                  control={<Radio slotProps={{ input: { "data-testid": `draft-model-${m.id}` } as object }} />}
                  label={
                    <span>
                      {m.id === props.project.modelId ? t("drafting.baseModel", { name: m.name }) : m.name}
                      <Typography component="span" variant="body2" color="text.secondary">
                        {` · ${m.architecture} · ${m.quantization} · ${formatBytes(m.fileBytes, lang)}`}
                      </Typography>
                    </span>
                  }
                  sx={{ ...LONG_TEXT_SX, my: 0.25 }}
                />
              ))}
            </RadioGroup>
          </FormControl>
          <DraftModelAdder onAdded={added} />
          <TextField
            label={t("drafting.pairs")}
            type="number"
            value={pairs}
            onChange={(e) => setPairs(e.target.value)}
            error={!pairsOk}
            helperText={t("drafting.pairsHelp")}
            slotProps={{ htmlInput: { min: 1, max: 10, step: 1, "data-testid": "draft-pairs" } }}
            sx={{ maxWidth: 380 }}
          />
          {start.busy && <Busy label={t("drafting.starting")} />}
          <ErrorAlert error={start.error} />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose} data-testid="draft-dialog-cancel">
          {t("common.cancel")}
        </Button>
        <Button variant="contained" disabled={!modelId || !pairsOk || start.busy} onClick={() => void start.run()} data-testid="draft-start">
          {t("drafting.startButton")}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** The project's base model first, then the others by name. */
function orderModels(models: ModelInfo[], baseId: string | null): ModelInfo[] {
  return [...models].sort((a, b) => Number(b.id === baseId) - Number(a.id === baseId) || a.name.localeCompare(b.name));
}
