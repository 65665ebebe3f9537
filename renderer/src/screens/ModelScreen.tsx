import Button from "@mui/material/Button";
import List from "@mui/material/List";
import ListItem from "@mui/material/ListItem";
import ListItemText from "@mui/material/ListItemText";
import Paper from "@mui/material/Paper";
import Stack from "@mui/material/Stack";
import Typography from "@mui/material/Typography";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ModelInfo } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { Busy } from "../components/Busy";
import { CatalogList } from "../components/CatalogList";
import { ErrorAlert } from "../components/ErrorAlert";
import { LocalModelList } from "../components/LocalModelList";
import { FileDrop } from "../components/FileDrop";
import { ModelCard } from "../components/ModelCard";
import { formatBytes } from "../format";
import { useAction } from "../hooks/useAction";
import { useAddModel } from "../hooks/useAddModel";
import { useAppContext } from "../hooks/useAppContext";
import { useLocalized } from "../hooks/useLocalized";
import { useQuery } from "../hooks/useQuery";
import type { StepProps } from "./ProjectWizard";

export function ModelScreen({ project, goStep, reloadProject }: StepProps) {
  const { t } = useTranslation();
  const { lang } = useLocalized();
  const { notify } = useAppContext();
  const models = useQuery(() => api.listModels({}), [], ["models"]);
  const catalog = useQuery(() => api.listCatalog({}), [], ["models"]);
  const [candidate, setCandidate] = useState<ModelInfo | null>(null);

  // The saved choice is the first candidate.
  useEffect(() => {
    if (!candidate && project.modelId && models.data) setCandidate(models.data.find((m) => m.id === project.modelId) ?? null);
  }, [candidate, project.modelId, models.data]);

  const demo = useAction(async () => setCandidate(await api.useDemoModel({})));
  const add = useAddModel(setCandidate);
  const save = useAction(async () => {
    if (!candidate) return;
    await api.updateProject({ projectId: project.id, modelId: candidate.id });
    reloadProject();
    notify(t("model.saved", { name: candidate.name }), "success");
    goStep("data");
  });
  const byId = async (id: string) => {
    const all = await api.listModels({});
    setCandidate(all.find((m) => m.id === id) ?? null);
  };

  const saved = candidate && candidate.id === project.modelId;
  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h2">
        {t("model.title")}
      </Typography>
      <Typography color="text.secondary">{t("model.intro")}</Typography>

      {candidate && (
        <Paper sx={{ p: 2 }} data-testid="model-choice">
          <Typography variant="h6" component="h3" sx={{ mb: 1 }}>
            {saved ? t("model.current") : t("model.candidate")}
          </Typography>
          <ModelCard model={candidate} />
          <Stack direction="row" spacing={1} sx={{ mt: 2 }}>
            <Button variant="contained" disabled={save.busy || !!saved} onClick={() => void save.run()} data-testid="model-save">
              {saved ? t("model.isSaved") : t("model.save")}
            </Button>
            {saved && (
              <Button onClick={() => goStep("data")} data-testid="model-continue">
                {t("wizard.next")}
              </Button>
            )}
          </Stack>
          <ErrorAlert error={save.error} />
        </Paper>
      )}

      <Paper sx={{ p: 2 }} component="section" aria-labelledby="demo-h">
        <Typography variant="h6" component="h3" id="demo-h">
          {t("model.demoTitle")}
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          {t("model.demoText")}
        </Typography>
        <Button variant="outlined" onClick={() => void demo.run()} disabled={demo.busy} data-testid="use-demo-model">
          {t("model.useDemo")}
        </Button>
        {demo.busy && <Busy label={t("model.preparingDemo")} />}
        <ErrorAlert error={demo.error} />
      </Paper>

      <Paper sx={{ p: 2 }} component="section" aria-labelledby="file-h">
        <Typography variant="h6" component="h3" id="file-h" sx={{ mb: 1 }}>
          {t("model.fileTitle")}
        </Typography>
        <FileDrop purpose="model" accept=".gguf" label={t("model.dropGguf")} testId="model-upload" onFiles={(refs) => refs[0] && void add.run(refs[0])} />
        {add.busy && <Busy label={t("model.reading")} />}
        <ErrorAlert error={add.error} />
      </Paper>

      <Paper sx={{ p: 2 }} component="section" aria-labelledby="local-h" data-testid="local-models">
        <Typography variant="h6" component="h3" id="local-h">
          {t("model.localTitle")}
        </Typography>
        <LocalModelList actionLabel={t("model.choose")} onPick={(path) => void add.run(path)} />
        {models.data && models.data.length > 0 && (
          <>
            <Typography variant="subtitle1" component="h4">
              {t("model.registered")}
            </Typography>
            <List dense data-testid="registered-models">
              {models.data.map((m) => (
                <ListItem key={m.id} divider secondaryAction={<Button size="small" onClick={() => setCandidate(m)} aria-label={`${t("model.choose")}: ${m.name}`}>{t("model.choose")}</Button>}>
                  <ListItemText primary={m.name} secondary={`${m.architecture} · ${m.quantization} · ${formatBytes(m.fileBytes, lang)}`} />
                </ListItem>
              ))}
            </List>
          </>
        )}
      </Paper>

      <Paper sx={{ p: 2 }} component="section" aria-labelledby="cat-h">
        <Typography variant="h6" component="h3" id="cat-h">
          {t("model.catalogTitle")}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {t("model.catalogText")}
        </Typography>
        {catalog.loading && !catalog.data && <Busy label={t("common.loading")} />}
        <ErrorAlert error={catalog.error} />
        {catalog.data && <CatalogList entries={catalog.data} onModel={(id) => void byId(id)} onUsePath={(p) => void add.run(p)} />}
      </Paper>
    </Stack>
  );
}
