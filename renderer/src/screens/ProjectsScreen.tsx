import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import MenuItem from "@mui/material/MenuItem";
import Paper from "@mui/material/Paper";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { DOMAINS, UI_LANGUAGES, type Domain, type ProjectSummary, type RunStatus, type UiLanguage } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { Busy } from "../components/Busy";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ErrorAlert } from "../components/ErrorAlert";
import { RunStatusChip } from "../components/RunStatusChip";
import { VisuallyHidden } from "../components/VisuallyHidden";
import { formatDate } from "../format";
import { useAction } from "../hooks/useAction";
import { useAppContext } from "../hooks/useAppContext";
import { useLocalized } from "../hooks/useLocalized";
import { useQuery } from "../hooks/useQuery";

/** A project with a finished run shows it as its status, unless a newer run is under way right now. */
const ACTIVE: RunStatus[] = ["queued", "running", "paused"];

export function ProjectsScreen({ onOpen }: { onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const { lang } = useLocalized();
  const { settings } = useAppContext();
  const projects = useQuery(() => api.listProjects({}), [], ["projects", "runs"]);
  const [name, setName] = useState("");
  const [domain, setDomain] = useState<Domain>("medical");
  const [language, setLanguage] = useState<UiLanguage>(settings.language);
  const [toDelete, setToDelete] = useState<ProjectSummary | null>(null);

  const create = useAction(async () => {
    const p = await api.createProject({ name: name.trim(), domain, language });
    setName("");
    onOpen(p.id);
  });
  const remove = useAction(async (id: string) => {
    await api.deleteProject({ projectId: id });
    projects.reload();
  });
  const restore = useAction(async () => {
    const r = await api.importRunFolders({});
    projects.reload();
    return r;
  });
  const [restored, setRestored] = useState<{ runs: number; projects: number; skipped: { dir: string; reason: string }[] } | null>(null);

  return (
    <Stack spacing={3}>
      <Typography variant="h4" component="h1">
        {t("projects.title")}
      </Typography>
      <Paper sx={{ p: 2 }} component="section" aria-labelledby="create-title">
        <Typography variant="h6" component="h2" id="create-title" sx={{ mb: 2 }}>
          {t("projects.new")}
        </Typography>
        <Box
          component="form"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) void create.run();
          }}
          sx={{ display: "flex", gap: 2, flexWrap: "wrap", alignItems: "flex-start" }}
        >
          <TextField label={t("projects.name")} value={name} onChange={(e) => setName(e.target.value)} required slotProps={{ htmlInput: { "data-testid": "project-name-input", maxLength: 200 } }} sx={{ minWidth: 260 }} />
          <TextField select label={t("projects.domain")} value={domain} onChange={(e) => setDomain(e.target.value as Domain)} sx={{ minWidth: 160 }} data-testid="project-domain">
            {DOMAINS.map((d) => (
              <MenuItem key={d} value={d}>
                {t(`domain.${d}`)}
              </MenuItem>
            ))}
          </TextField>
          <TextField select label={t("projects.language")} value={language} onChange={(e) => setLanguage(e.target.value as UiLanguage)} sx={{ minWidth: 160 }} data-testid="project-language">
            {UI_LANGUAGES.map((l) => (
              <MenuItem key={l} value={l}>
                {t(`languages.${l}`)}
              </MenuItem>
            ))}
          </TextField>
          <Button type="submit" variant="contained" size="large" disabled={!name.trim() || create.busy} data-testid="project-create">
            {t("projects.create")}
          </Button>
        </Box>
        <ErrorAlert error={create.error} onClose={() => create.setError(null)} />
      </Paper>

      <Paper sx={{ p: 2 }} component="section" aria-labelledby="list-title" data-testid="project-list">
        <Typography variant="h6" component="h2" id="list-title" sx={{ mb: 1 }}>
          {t("projects.list")}
        </Typography>
        {projects.loading && !projects.data && <Busy label={t("common.loading")} />}
        <ErrorAlert error={projects.error ?? remove.error} />
        {projects.data && projects.data.length === 0 && <Typography color="text.secondary">{t("projects.empty")}</Typography>}
        <Box sx={{ display: "flex", gap: 2, alignItems: "center", flexWrap: "wrap", my: 1 }}>
          <Button
            size="small"
            variant="outlined"
            disabled={restore.busy}
            title={t("projects.restoreHelp")}
            data-testid="project-restore"
            onClick={async () => {
              const r = await restore.run();
              if (r) setRestored({ runs: r.runs, projects: r.projects.length, skipped: r.skipped });
            }}
          >
            {t("projects.restore")}
          </Button>
          {restored && (
            <Typography variant="body2" role="status" data-testid="project-restore-result">
              {restored.runs ? t("projects.restored", { runs: restored.runs, projects: restored.projects }) : t("projects.restoredNone")}
              {restored.skipped.map((s) => (
                <Box component="span" key={s.dir} sx={{ display: "block" }}>
                  {t("projects.restoreSkipped", { dir: s.dir, reason: s.reason })}
                </Box>
              ))}
            </Typography>
          )}
        </Box>
        <ErrorAlert error={restore.error} onClose={() => restore.setError(null)} />
        {projects.data && projects.data.length > 0 && (
          <Table size="small" aria-labelledby="list-title">
            <TableHead>
              <TableRow>
                <TableCell>{t("projects.name")}</TableCell>
                <TableCell>{t("projects.domain")}</TableCell>
                <TableCell>{t("projects.latestRun")}</TableCell>
                <TableCell>{t("projects.updated")}</TableCell>
                <TableCell>
                  <VisuallyHidden>{t("common.actions")}</VisuallyHidden>
                </TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {projects.data.map((p) => (
                <TableRow key={p.id} hover data-testid={`project-row-${p.id}`}>
                  <TableCell>{p.name}</TableCell>
                  <TableCell>{t(`domain.${p.domain}`)}</TableCell>
                  <TableCell>
                    {p.bestRun && !ACTIVE.includes(p.latestRun?.status ?? "finished") ? (
                      <RunStatusChip status="finished" />
                    ) : (
                      <>
                        <RunStatusChip status={p.latestRun?.status ?? null} />
                        {p.latestRun?.totalSteps ? ` ${p.latestRun.step}/${p.latestRun.totalSteps}` : ""}
                      </>
                    )}
                  </TableCell>
                  <TableCell>{formatDate(p.updatedAt, lang)}</TableCell>
                  <TableCell align="right" sx={{ whiteSpace: "nowrap" }}>
                    <Button size="small" variant="outlined" onClick={() => onOpen(p.id)} data-testid="project-open" aria-label={`${t("projects.open")}: ${p.name}`}>
                      {t("projects.open")}
                    </Button>{" "}
                    <Button size="small" color="error" onClick={() => setToDelete(p)} data-testid="project-delete" aria-label={`${t("projects.delete")}: ${p.name}`}>
                      {t("projects.delete")}
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Paper>
      <ConfirmDialog
        open={!!toDelete}
        title={t("projects.deleteTitle")}
        text={t("projects.deleteText", { name: toDelete?.name ?? "" })}
        confirmLabel={t("projects.delete")}
        onClose={() => setToDelete(null)}
        onConfirm={() => {
          const p = toDelete;
          setToDelete(null);
          if (p) void remove.run(p.id);
        }}
      />
    </Stack>
  );
}
