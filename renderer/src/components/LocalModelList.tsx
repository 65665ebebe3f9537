import Button from "@mui/material/Button";
import List from "@mui/material/List";
import ListItem from "@mui/material/ListItem";
import ListItemText from "@mui/material/ListItemText";
import Typography from "@mui/material/Typography";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import { formatBytes } from "../format";
import { useLocalized } from "../hooks/useLocalized";
import { useQuery } from "../hooks/useQuery";
import { Busy } from "./Busy";
import { ErrorAlert } from "./ErrorAlert";

/**
 * The GGUF models found in LM Studio, Ollama and Jan folders (searched when this mounts), each with one button
 * (`actionLabel`, named with the model for screen readers) that hands its path to `onPick`.
 */
export function LocalModelList({ actionLabel, busy = false, onPick }: { actionLabel: string; busy?: boolean; onPick: (path: string) => void }) {
  const { t } = useTranslation();
  const { lang } = useLocalized();
  const local = useQuery(() => api.findLocalModels({}), []);
  return (
    <>
      {local.loading && <Busy label={t("model.searching")} />}
      <ErrorAlert error={local.error} />
      {local.data?.length === 0 && <Typography color="text.secondary">{t("model.noneFound")}</Typography>}
      <List dense>
        {local.data?.map((m) => (
          <ListItem
            key={m.path}
            divider
            secondaryAction={
              <Button size="small" disabled={busy} onClick={() => onPick(m.path)} aria-label={`${actionLabel}: ${m.name}`}>
                {actionLabel}
              </Button>
            }
          >
            <ListItemText primary={m.name} secondary={`${t(`model.source.${m.source}`)} · ${formatBytes(m.bytes, lang)} · ${m.path}`} sx={{ overflowWrap: "anywhere", pr: 6 }} />
          </ListItem>
        ))}
      </List>
    </>
  );
}
