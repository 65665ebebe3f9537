import Button from "@mui/material/Button";
import List from "@mui/material/List";
import ListItem from "@mui/material/ListItem";
import ListItemText from "@mui/material/ListItemText";
import Stack from "@mui/material/Stack";
import Typography from "@mui/material/Typography";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import { useAction } from "../hooks/useAction";
import { useQuery } from "../hooks/useQuery";
import { ErrorAlert } from "./ErrorAlert";

export function SavedPrompts({ projectId, current, onUse }: { projectId: string; current: string; onUse: (text: string) => void }) {
  const { t } = useTranslation();
  const list = useQuery(() => api.listSavedPrompts({ projectId }), [projectId], ["comparisons"]);
  const save = useAction(async () => {
    await api.savePrompt({ projectId, text: current });
    list.reload();
  });
  const remove = useAction(async (promptId: string) => {
    await api.deleteSavedPrompt({ promptId });
    list.reload();
  });
  return (
    <Stack spacing={1} data-testid="saved-prompts">
      <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
        <Typography variant="h6" component="h3" sx={{ flexGrow: 1 }}>
          {t("compare.saved")}
        </Typography>
        <Button size="small" variant="outlined" disabled={!current.trim() || save.busy} onClick={() => void save.run()} data-testid="prompt-save">
          {t("compare.savePrompt")}
        </Button>
      </Stack>
      <ErrorAlert error={list.error ?? save.error ?? remove.error} />
      {list.data?.length === 0 && <Typography color="text.secondary">{t("compare.noSaved")}</Typography>}
      <List dense>
        {list.data?.map((p) => (
          <ListItem
            key={p.id}
            divider
            secondaryAction={
              <Stack direction="row" spacing={1}>
                <Button size="small" onClick={() => onUse(p.text)} data-testid="prompt-use" aria-label={`${t("compare.use")}: ${p.text.slice(0, 40)}`}>
                  {t("compare.use")}
                </Button>
                <Button size="small" color="error" onClick={() => void remove.run(p.id)} data-testid="prompt-delete" aria-label={`${t("common.delete")}: ${p.text.slice(0, 40)}`}>
                  {t("common.delete")}
                </Button>
              </Stack>
            }
          >
            <ListItemText primary={p.text} slotProps={{ primary: { noWrap: true, sx: { pr: 18 } } }} />
          </ListItem>
        ))}
      </List>
    </Stack>
  );
}
