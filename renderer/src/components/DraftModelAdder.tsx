import Button from "@mui/material/Button";
import Paper from "@mui/material/Paper";
import Typography from "@mui/material/Typography";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ModelInfo } from "../../../electron/contract/dto";
import { useAddModel } from "../hooks/useAddModel";
import { Busy } from "./Busy";
import { ErrorAlert } from "./ErrorAlert";
import { FileDrop } from "./FileDrop";
import { LocalModelList } from "./LocalModelList";

/**
 * Adds another GGUF model to draft with, the way the Model step does: one found in LM Studio, Ollama or Jan
 * folders, or a file the user chooses. The folders are searched only once the user opens this part.
 */
export function DraftModelAdder({ onAdded }: { onAdded: (m: ModelInfo) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <div>
        <Button variant="outlined" size="small" onClick={() => setOpen(true)} data-testid="draft-add-model">
          {t("drafting.addTitle")}
        </Button>
      </div>
    );
  return <Adder onAdded={onAdded} />;
}

function Adder({ onAdded }: { onAdded: (m: ModelInfo) => void }) {
  const { t } = useTranslation();
  const add = useAddModel(onAdded);
  return (
    <Paper variant="outlined" sx={{ p: 2 }} component="section" aria-labelledby="draft-add-h" data-testid="draft-add-section">
      <Typography variant="subtitle1" component="h3" id="draft-add-h">
        {t("drafting.addTitle")}
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {t("drafting.addText")}
      </Typography>
      <LocalModelList actionLabel={t("drafting.add")} busy={add.busy} onPick={(path) => void add.run(path)} />
      <FileDrop purpose="model" accept=".gguf" label={t("model.dropGguf")} testId="draft-model-upload" onFiles={(refs) => refs[0] && void add.run(refs[0])} />
      {add.busy && <Busy label={t("model.reading")} />}
      <ErrorAlert error={add.error} />
    </Paper>
  );
}
