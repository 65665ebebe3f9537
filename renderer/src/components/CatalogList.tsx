import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import LinearProgress from "@mui/material/LinearProgress";
import List from "@mui/material/List";
import ListItem from "@mui/material/ListItem";
import ListItemText from "@mui/material/ListItemText";
import Stack from "@mui/material/Stack";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { CatalogEntry, DownloadProgress } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { formatBytes } from "../format";
import { useLocalized } from "../hooks/useLocalized";
import { useStudioEvent } from "../hooks/useStudioEvent";
import { ErrorAlert } from "./ErrorAlert";

/** The curated catalog with download progress, cancel and the error text (e.g. offline). */
export function CatalogList({ entries, onModel, onUsePath }: { entries: CatalogEntry[]; onModel: (modelId: string) => void; onUsePath: (path: string) => void }) {
  const { t } = useTranslation();
  const { lang } = useLocalized();
  const [progress, setProgress] = useState<Record<string, DownloadProgress>>({});
  const [error, setError] = useState<unknown>(null);

  useStudioEvent("download.progress", (p) => {
    setProgress((s) => ({ ...s, [p.catalogId]: p }));
    if (p.status === "done" && p.modelId) onModel(p.modelId);
  });

  const start = async (id: string) => {
    setError(null);
    try {
      const { downloadId } = await api.downloadModel({ catalogId: id });
      setProgress((s) => ({ ...s, [id]: s[id] ?? { downloadId, catalogId: id, receivedBytes: 0, totalBytes: 0, status: "running", error: null, modelId: null } }));
    } catch (e) {
      setError(e);
    }
  };
  const cancel = async (downloadId: string) => {
    try {
      await api.cancelDownload({ downloadId });
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Box data-testid="catalog-list">
      <ErrorAlert error={error} onClose={() => setError(null)} />
      <List dense>
        {entries.map((e) => {
          const p = progress[e.id];
          const active = p && (p.status === "running" || p.status === "verifying");
          const pct = p && p.totalBytes > 0 ? (100 * p.receivedBytes) / p.totalBytes : null;
          return (
            <ListItem key={e.id} divider sx={{ flexWrap: "wrap" }} data-testid={`catalog-${e.id}`}>
              <ListItemText primary={e.name} secondary={`${e.parameters} · ${e.quantization} · ${formatBytes(e.bytes, lang)} · ${t("model.license")}: ${e.license}${e.sha256 ? "" : ` · ${t("model.unverified")}`}`} />
              <Stack direction="row" spacing={1}>
                {e.path ? (
                  <Button size="small" variant="outlined" onClick={() => onUsePath(e.path!)} data-testid="catalog-use">
                    {t("model.useDownloaded")}
                  </Button>
                ) : active ? (
                  <Button size="small" color="warning" onClick={() => void cancel(p.downloadId)} data-testid="catalog-cancel">
                    {t("common.cancel")}
                  </Button>
                ) : (
                  <Button size="small" variant="outlined" onClick={() => void start(e.id)} data-testid="catalog-download">
                    {p?.status === "failed" || p?.status === "cancelled" ? t("model.retryDownload") : t("model.download")}
                  </Button>
                )}
              </Stack>
              {p && (
                <Box sx={{ width: "100%", mt: 1 }}>
                  {active && (
                    <>
                      <LinearProgress variant={pct == null || p.status === "verifying" ? "indeterminate" : "determinate"} value={pct ?? undefined} aria-label={`${t("model.downloading")} ${e.name}`} />
                      <Box sx={{ typography: "caption" }}>
                        {p.status === "verifying" ? t("model.verifying") : `${formatBytes(p.receivedBytes, lang)} / ${formatBytes(p.totalBytes, lang)}`}
                      </Box>
                    </>
                  )}
                  {p.status === "failed" && <Alert severity="error">{p.error ?? t("model.downloadFailed")}</Alert>}
                  {p.status === "cancelled" && <Alert severity="info">{t("model.downloadCancelled")}</Alert>}
                  {p.status === "done" && <Alert severity="success">{t("model.downloadDone")}</Alert>}
                </Box>
              )}
            </ListItem>
          );
        })}
      </List>
    </Box>
  );
}
