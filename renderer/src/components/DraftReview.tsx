import Button from "@mui/material/Button";
import MenuItem from "@mui/material/MenuItem";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableContainer from "@mui/material/TableContainer";
import TableHead from "@mui/material/TableHead";
import TablePagination from "@mui/material/TablePagination";
import TableRow from "@mui/material/TableRow";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { DRAFT_STATUSES, type DraftJobView, type DraftStatus, type DraftView } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { useAction } from "../hooks/useAction";
import { useDrafts } from "../hooks/useDrafts";
import { Busy } from "./Busy";
import { DraftRow } from "./DraftRow";
import { ErrorAlert } from "./ErrorAlert";

/**
 * The review table of a drafting job: counts, a filter by review status, "accept all that pass the checks", and
 * the pairs a page at a time. Everything is read from and written to the server, so a reload shows the same.
 */
export function DraftReview({ job, onJob }: { job: DraftJobView; onJob: (job: DraftJobView) => void }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<DraftStatus | null>(null);
  const [page, setPage] = useState(0);
  const [size, setSize] = useState(10);
  const drafts = useDrafts(job, status, page, size);
  const table = useRef<HTMLTableSectionElement>(null);
  /** The row whose review just changed: with a status filter it leaves the page, so the focus goes to the next one. */
  const refocus = useRef<number | null>(null);
  const c = job.counts;

  const passing = useAction(async () => onJob(await api.acceptPassingDrafts({ jobId: job.id })));
  const reviewed = (d: DraftView, index: number) => {
    if (status && d.status !== status) {
      // The row leaves this filtered page: read the page again, then focus the row that takes its place.
      refocus.current = index;
      drafts.reload();
    } else drafts.put(d);
    void api.getDraftJob({ jobId: job.id }).then(onJob, () => {});
  };

  const rows = drafts.data?.drafts ?? [];
  const total = drafts.data?.total ?? 0;
  // A page emptied by the filter (its last rows reviewed away) steps back one page.
  useEffect(() => {
    if (drafts.data && rows.length === 0 && page > 0 && page * size >= total) setPage(Math.max(0, Math.ceil(total / size) - 1));
  }, [drafts.data, rows.length, page, size, total]);
  useEffect(() => {
    const i = refocus.current;
    if (i == null || drafts.loading) return;
    refocus.current = null;
    const tr = table.current?.querySelectorAll("tr")[Math.min(i, rows.length - 1)];
    (tr?.querySelector("button") ?? document.getElementById("draft-review-h"))?.focus();
  }, [drafts.data, drafts.loading, rows.length]);

  return (
    <Stack spacing={1.5} data-testid="draft-review" component="section" aria-labelledby="draft-review-h">
      <Typography variant="h6" component="h3" id="draft-review-h" tabIndex={-1}>
        {t("drafting.reviewTitle")}
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {t("drafting.reviewIntro")}
      </Typography>
      <Typography variant="body2" role="status" data-testid="draft-counts">
        {t("drafting.counts", { accepted: c.accepted, edited: c.edited, rejected: c.rejected, pending: c.pending, total: c.total })}
      </Typography>
      <Stack direction="row" spacing={2} sx={{ alignItems: "center", flexWrap: "wrap", rowGap: 1 }}>
        <TextField
          select
          size="small"
          label={t("drafting.filter")}
          value={status ?? "all"}
          onChange={(e) => {
            setStatus(e.target.value === "all" ? null : (e.target.value as DraftStatus));
            setPage(0);
          }}
          sx={{ minWidth: 200 }}
          slotProps={{ select: { SelectDisplayProps: { "data-testid": "draft-filter" } as object } }}
        >
          <MenuItem value="all">{t("drafting.filterAll", { n: c.total })}</MenuItem>
          {DRAFT_STATUSES.map((s) => (
            <MenuItem key={s} value={s} data-testid={`draft-filter-${s}`}>
              {t(`drafting.filterStatus.${s}`, { n: c[s] })}
            </MenuItem>
          ))}
        </TextField>
        <Button variant="outlined" disabled={passing.busy || c.pending === 0} onClick={() => void passing.run()} data-testid="draft-accept-passing">
          {t("drafting.acceptPassing", { n: c.passedChecks })}
        </Button>
      </Stack>
      <ErrorAlert error={passing.error ?? drafts.error} />
      {drafts.loading && !drafts.data && <Busy label={t("common.loading")} />}
      {drafts.data && rows.length === 0 && (
        <Typography color="text.secondary" data-testid="draft-none">
          {job.status === "running" ? t("drafting.noneYet") : t("drafting.none")}
        </Typography>
      )}
      {rows.length > 0 && (
        <TableContainer>
          <Table size="small" aria-labelledby="draft-review-h" data-testid="draft-table" sx={{ tableLayout: "auto" }}>
            <TableHead>
              <TableRow>
                <TableCell sx={{ whiteSpace: "nowrap" }}>{t("drafting.col.n")}</TableCell>
                <TableCell>{t("drafting.col.passage")}</TableCell>
                <TableCell>{t("drafting.col.pair")}</TableCell>
                <TableCell>{t("drafting.col.checks")}</TableCell>
                <TableCell>{t("drafting.col.review")}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody ref={table}>
              {rows.map((d, i) => (
                <DraftRow key={d.id} draft={d} n={page * size + i + 1} onReviewed={(v) => reviewed(v, i)} />
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      {total > 0 && (
        <TablePagination
          component="div"
          count={total}
          page={page}
          rowsPerPage={size}
          rowsPerPageOptions={[10, 25, 50]}
          onPageChange={(_, p) => setPage(p)}
          onRowsPerPageChange={(e) => {
            setSize(Number(e.target.value));
            setPage(0);
          }}
          labelRowsPerPage={t("drafting.perPage")}
          labelDisplayedRows={({ from, to, count }) => t("drafting.shown", { from, to, count })}
          getItemAriaLabel={(type) => t(`drafting.pageNav.${type}`)}
          data-testid="draft-pages"
        />
      )}
    </Stack>
  );
}
