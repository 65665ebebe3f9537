import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import { useTranslation } from "react-i18next";
import type { RunView } from "../../../electron/contract/dto";
import { formatDate } from "../format";
import { useLocalized } from "../hooks/useLocalized";
import { runNumber } from "../hooks/useRuns";
import { RunStatusChip } from "./RunStatusChip";

/** Every run of the project, newest first: a history, not only the last attempt. */
export function RunHistory({ runs, bestId }: { runs: RunView[]; bestId: string | null }) {
  const { t } = useTranslation();
  const { lang } = useLocalized();
  if (runs.length < 2) return null;
  return (
    <>
      <Typography variant="h6" component="h3" id="run-history-h">
        {t("run.history")}
      </Typography>
      <Table size="small" aria-labelledby="run-history-h" data-testid="run-history">
        <TableHead>
          <TableRow>
            <TableCell>{t("run.number")}</TableCell>
            <TableCell>{t("run.started")}</TableCell>
            <TableCell>{t("run.statusCol")}</TableCell>
            <TableCell align="right">{t("run.steps")}</TableCell>
            <TableCell align="right">{t("run.bestLoss")}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {runs.map((r) => (
            <TableRow key={r.id} data-testid={`run-history-${runNumber(runs, r.id)}`}>
              <TableCell>
                {t("run.name", { n: runNumber(runs, r.id) })}
                {r.id === bestId ? ` · ${t("run.best")}` : ""}
              </TableCell>
              <TableCell>{formatDate(r.createdAt, lang)}</TableCell>
              <TableCell>
                <RunStatusChip status={r.status} />
              </TableCell>
              <TableCell align="right">{r.totalSteps != null ? `${r.step} / ${r.totalSteps}` : r.step}</TableCell>
              <TableCell align="right">{r.bestValLoss != null ? r.bestValLoss.toFixed(3) : "—"}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}
