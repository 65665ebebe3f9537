import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import Paper from "@mui/material/Paper";
import Slider from "@mui/material/Slider";
import Stack from "@mui/material/Stack";
import Typography from "@mui/material/Typography";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ColumnMapping, DataPreview, FileRef, PiiKind, RedactionMode } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { Busy } from "../components/Busy";
import { ColumnMappingDialog } from "../components/ColumnMappingDialog";
import { DraftPanel } from "../components/DraftPanel";
import { ErrorAlert } from "../components/ErrorAlert";
import { ExamplesTable } from "../components/ExamplesTable";
import { FileDrop } from "../components/FileDrop";
import { PiiPanel } from "../components/PiiPanel";
import { QualityReport } from "../components/QualityReport";
import { formatPercent } from "../format";
import { useAction } from "../hooks/useAction";
import { useAppContext } from "../hooks/useAppContext";
import { EMPTY_DRAFT, useDataDraft } from "../hooks/useDataDraft";
import { useLocalized } from "../hooks/useLocalized";
import { useQuery } from "../hooks/useQuery";
import { useStudioEvent } from "../hooks/useStudioEvent";
import type { StepProps } from "./ProjectWizard";

export const DATA_ACCEPT = ".jsonl,.json,.csv,.xlsx,.txt,.md,.pdf,.docx";

export function DataScreen({ project, goStep, reloadProject }: StepProps) {
  const { t } = useTranslation();
  const { lang } = useLocalized();
  const { notify } = useAppContext();
  /** The files, column mappings, redaction choices and split survive a reload until imported or started over. */
  const [draft, saveDraft] = useDataDraft(project.id);
  const [files, setFiles] = useState<FileRef[]>(draft.files);
  const [preview, setPreview] = useState<DataPreview | null>(null);
  const [redaction, setRedaction] = useState<Partial<Record<PiiKind, RedactionMode>>>(draft.redaction);
  const [share, setShare] = useState(draft.share);
  /** Column mappings chosen in the dialog, by table file name (DataPreview.tables[].file); sent to previewData and importDataset. */
  const [columns, setColumns] = useState<Record<string, ColumnMapping>>(draft.columns);
  const [mapping, setMapping] = useState<number | null>(null);
  const [importing, setImporting] = useState<{ phase: string; done: number; total: number | null; file: string | null } | null>(null);
  const datasets = useQuery(() => api.listDatasets({ projectId: project.id }), [project.id], ["datasets"]);
  const current = datasets.data?.find((d) => d.id === project.datasetId) ?? null;

  useStudioEvent("import.progress", (p) => {
    if (p.projectId === project.id) setImporting(p);
  });

  /**
   * Added files (refs), new column mappings (remap: the same files again, keeping the chosen redaction and split), or
   * the draft read again after a reload (restore: everything as the user left it).
   */
  const previewAction = useAction(async (change: { refs: FileRef[]; replaces?: string[] } | { remap: Record<string, ColumnMapping> } | { restore: true }) => {
    setPreview(null);
    // Accepted drafts replace the documents they were drafted from (`replaces`: those file names).
    const kept = "refs" in change && change.replaces ? files.filter((f) => !change.replaces!.includes(f.name)) : files;
    const all = "refs" in change ? [...kept, ...change.refs.filter((r) => !kept.some((f) => f.path === r.path))] : files;
    const cols = "remap" in change ? change.remap : columns;
    setFiles(all);
    setColumns(cols);
    const p = await api.previewData({ paths: all.map((f) => f.path), columns: cols, ...(project.modelId ? { modelId: project.modelId } : {}) });
    setPreview(p);
    if ("restore" in change) return;
    if ("remap" in change) {
      setRedaction((r) => Object.fromEntries(p.pii.map((x) => [x.kind, r[x.kind] ?? "placeholder"])));
      return;
    }
    setRedaction(Object.fromEntries(p.pii.map((x) => [x.kind, "placeholder"])));
    const total = p.split.train + p.split.validation;
    if (total > 0) setShare(Math.min(0.5, Math.round((100 * p.split.validation) / total) / 100) || 0.1);
  });

  const importAction = useAction(async () => {
    setImporting({ phase: "reading", done: 0, total: null, file: null });
    try {
      const ds = await api.importDataset({ projectId: project.id, paths: files.map((f) => f.path), redaction, validationShare: share, columns });
      await api.updateProject({ projectId: project.id, datasetId: ds.id });
      reloadProject();
      datasets.reload();
      setFiles([]);
      setColumns({});
      setPreview(null);
      saveDraft(EMPTY_DRAFT);
      notify(t("data.imported", { n: ds.exampleCount }), "success");
    } finally {
      setImporting(null);
    }
  });

  // Keep the draft as it changes; after a reload, read its files again (the report and preview are recomputed).
  useEffect(() => {
    if (!importAction.busy) saveDraft({ files, columns, redaction, share });
  }, [files, columns, redaction, share, importAction.busy, saveDraft]);
  const restored = useRef(false);
  useEffect(() => {
    if (restored.current) return;
    restored.current = true;
    if (files.length > 0) void previewAction.run({ restore: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const formats: Record<string, string> = Object.fromEntries(
    (preview?.report.files ?? []).map((f) => [f.file, Object.keys(f.formats).join(", ") || f.fileType]),
  );
  const tables = preview?.tables ?? [];
  const editing = mapping === null ? undefined : tables[mapping];
  const errors = preview?.report.findings.filter((f) => f.severity === "error").length ?? 0;

  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h2">
        {t("data.title")}
      </Typography>
      <Typography color="text.secondary">{t("data.intro")}</Typography>
      {current && (
        <Alert severity="success" data-testid="data-current" action={<Button onClick={() => goStep("settings")}>{t("wizard.next")}</Button>}>
          {t("data.current", { name: current.name, n: current.exampleCount, train: current.counts.train, validation: current.counts.validation, excluded: current.counts.excluded })}
          {current.drafted && (
            <span data-testid="data-drafted">{` ${t("drafting.datasetLine", { n: current.drafted.examples, models: current.drafted.models.map((m) => m.name).join(", ") })}`}</span>
          )}
        </Alert>
      )}
      <ErrorAlert error={datasets.error} />
      <Paper sx={{ p: 2 }}>
        <FileDrop purpose="data" accept={DATA_ACCEPT} multiple label={t("data.drop")} testId="data-upload" onFiles={(refs) => void previewAction.run({ refs })} />
        {files.length > 0 && (
          <Stack direction="row" spacing={1} sx={{ mt: 1, alignItems: "center", flexWrap: "wrap" }}>
            <Typography variant="body2" data-testid="data-files">
              {t("data.chosen", { list: files.map((f) => f.name).join(", ") })}
            </Typography>
            <Button
              size="small"
              onClick={() => {
                setFiles([]);
                setColumns({});
                setPreview(null);
                saveDraft(EMPTY_DRAFT);
              }}
              data-testid="data-clear"
            >
              {t("data.clear")}
            </Button>
          </Stack>
        )}
        {previewAction.busy && <Busy label={t("data.reading")} />}
        <ErrorAlert error={previewAction.error} />
      </Paper>

      <DraftPanel project={project} files={files} onUse={(file, replaces) => void previewAction.run({ refs: [file], replaces })} />

      {preview && (
        <Paper sx={{ p: 2 }} data-testid="data-preview">
          <Stack spacing={2}>
            <Typography variant="h6" component="h3">
              {t("data.preview", { n: preview.exampleCount, shown: preview.examples.length })}
            </Typography>
            {tables.length > 0 && (
              <Stack spacing={1} data-testid="columns-tables">
                {tables.map((tb, i) => {
                  const open = (
                    <Button size="small" onClick={() => setMapping(i)} data-testid={`columns-open-${i}`}>
                      {t("data.columns.open")}
                    </Button>
                  );
                  return tb.mapping.question && tb.mapping.answer ? (
                    <Stack key={tb.file} direction="row" spacing={1} sx={{ alignItems: "center", flexWrap: "wrap" }} data-testid={`columns-table-${i}`}>
                      <Typography variant="body2" sx={{ wordBreak: "break-all" }}>
                        {t("data.columns.mapped", { file: tb.file, question: tb.mapping.question, answer: tb.mapping.answer })}
                      </Typography>
                      {open}
                    </Stack>
                  ) : (
                    <Alert key={tb.file} severity="warning" action={open} data-testid={`columns-table-${i}`} sx={{ wordBreak: "break-all" }}>
                      {t("data.columns.unmapped", { file: tb.file })}
                    </Alert>
                  );
                })}
              </Stack>
            )}
            <ExamplesTable examples={preview.examples} formats={formats} />
            <QualityReport report={preview.report} />
            <PiiPanel pii={preview.pii} redaction={redaction} onChange={(k, m) => setRedaction((r) => ({ ...r, [k]: m }))} />
            <Stack spacing={1}>
              <Typography variant="h6" component="h3" id="split-label">
                {t("data.splitTitle")}
              </Typography>
              <Typography variant="body2">{t("data.splitText", { share: formatPercent(share, lang), train: preview.split.train, validation: preview.split.validation })}</Typography>
              <Slider
                value={share}
                min={0}
                max={0.5}
                step={0.01}
                onChange={(_, v) => setShare(Math.round((v as number) * 100) / 100)}
                valueLabelDisplay="auto"
                valueLabelFormat={(v) => formatPercent(v, lang)}
                getAriaValueText={(v) => formatPercent(v, lang)}
                slotProps={{ input: { "aria-labelledby": "split-label", "data-testid": "data-split" } as object }}
                sx={{ maxWidth: 400 }}
              />
              {share === 0 && <Alert severity="warning">{t("data.noValidation")}</Alert>}
            </Stack>
            {errors > 0 && <Alert severity="warning">{t("data.hasErrors")}</Alert>}
            <Stack direction="row" spacing={1}>
              <Button variant="contained" disabled={importAction.busy || preview.exampleCount === 0} onClick={() => void importAction.run()} data-testid="data-import">
                {t("data.import")}
              </Button>
            </Stack>
            {importing && (
              <Busy
                label={t("data.importing", { phase: t(`data.phase.${importing.phase}`), done: importing.done, total: importing.total ?? "?", file: importing.file ?? "" })}
                value={importing.total ? (100 * importing.done) / importing.total : null}
              />
            )}
            <ErrorAlert error={importAction.error} />
          </Stack>
        </Paper>
      )}
      {editing && (
        <ColumnMappingDialog
          key={editing.file}
          table={editing}
          onClose={() => setMapping(null)}
          onSave={(m) => {
            setMapping(null);
            void previewAction.run({ remap: { ...columns, [editing.file]: m } });
          }}
        />
      )}
    </Stack>
  );
}
