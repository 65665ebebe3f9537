import Button from "@mui/material/Button";
import List from "@mui/material/List";
import ListItem from "@mui/material/ListItem";
import ListItemText from "@mui/material/ListItemText";
import Paper from "@mui/material/Paper";
import Typography from "@mui/material/Typography";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ModelInfo } from "../../../electron/contract/dto";
import { withFileName } from "../api/ApiCallError";
import { api } from "../api/client";
import { formatBytes } from "../format";
import { useAction } from "../hooks/useAction";
import { useLocalized } from "../hooks/useLocalized";
import { useQuery } from "../hooks/useQuery";
import { Busy } from "./Busy";
import { ErrorAlert } from "./ErrorAlert";
import { FileDrop } from "./FileDrop";

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
  const { lang } = useLocalized();
  const local = useQuery(() => api.findLocalModels({}), []);
  const add = useAction(async (file: string | { path: string; name: string }) => {
    const path = typeof file === "string" ? file : file.path;
    try {
      onAdded(await api.addModel({ path }));
    } catch (e) {
      throw typeof file === "string" ? e : withFileName(e, file.path, file.name);
    }
  });
  return (
    <Paper variant="outlined" sx={{ p: 2 }} component="section" aria-labelledby="draft-add-h" data-testid="draft-add-section">
      <Typography variant="subtitle1" component="h3" id="draft-add-h">
        {t("drafting.addTitle")}
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {t("drafting.addText")}
      </Typography>
      {local.loading && <Busy label={t("model.searching")} />}
      <ErrorAlert error={local.error} />
      {local.data?.length === 0 && <Typography color="text.secondary">{t("model.noneFound")}</Typography>}
      <List dense>
        {local.data?.map((m) => (
          <ListItem
            key={m.path}
            divider
            secondaryAction={
              <Button size="small" disabled={add.busy} onClick={() => void add.run(m.path)} aria-label={`${t("drafting.add")}: ${m.name}`}>
                {t("drafting.add")}
              </Button>
            }
          >
            <ListItemText primary={m.name} secondary={`${t(`model.source.${m.source}`)} · ${formatBytes(m.bytes, lang)} · ${m.path}`} sx={{ overflowWrap: "anywhere", pr: 6 }} />
          </ListItem>
        ))}
      </List>
      <FileDrop purpose="model" accept=".gguf" label={t("model.dropGguf")} testId="draft-model-upload" onFiles={(refs) => refs[0] && void add.run(refs[0])} />
      {add.busy && <Busy label={t("model.reading")} />}
      <ErrorAlert error={add.error} />
    </Paper>
  );
}
