import Chip from "@mui/material/Chip";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import { useTranslation } from "react-i18next";
import type { QualityReportView } from "../../../electron/contract/dto";
import { useLocalized } from "../hooks/useLocalized";

const SEVERITY_COLOR = { error: "error", warning: "warning", info: "info" } as const;

export function QualityReport({ report }: { report: QualityReportView }) {
  const { t } = useTranslation();
  const { loc } = useLocalized();
  return (
    <Stack spacing={1} data-testid="quality-report">
      <Typography variant="h6" component="h3">
        {t("data.report")}
      </Typography>
      <Typography variant="body2">
        {t("data.totals", { files: report.totals.files, examples: report.totals.examples, chats: report.totals.chats, documents: report.totals.documents, unreadable: report.totals.filesUnreadable })}
      </Typography>
      <Table size="small" aria-label={t("data.files")}>
        <TableHead>
          <TableRow>
            <TableCell>{t("data.file")}</TableCell>
            <TableCell>{t("data.format")}</TableCell>
            <TableCell align="right">{t("data.examples")}</TableCell>
            <TableCell align="right">{t("data.errors")}</TableCell>
            <TableCell align="right">{t("data.warnings")}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {report.files.map((f) => (
            <TableRow key={f.file}>
              <TableCell sx={{ wordBreak: "break-all" }}>{f.file}</TableCell>
              <TableCell>
                {f.fileType}
                {Object.keys(f.formats).length > 0 && ` (${Object.entries(f.formats).map(([k, n]) => `${k}: ${n}`).join(", ")})`}
              </TableCell>
              <TableCell align="right">{f.examples}</TableCell>
              <TableCell align="right">{f.errors}</TableCell>
              <TableCell align="right">{f.warnings}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {report.tokens && (
        <Typography variant="body2">
          {t("data.tokens", { mean: Math.round(report.tokens.mean), p95: report.tokens.p95, max: report.tokens.max, seqLen: report.tokens.seqLen })}
        </Typography>
      )}
      {report.findings.length === 0 ? (
        <Typography color="success.main">{t("data.noFindings")}</Typography>
      ) : (
        <Table size="small" aria-label={t("data.findings")} data-testid="findings">
          <TableHead>
            <TableRow>
              <TableCell>{t("data.severity")}</TableCell>
              <TableCell align="right">{t("data.count")}</TableCell>
              <TableCell>{t("data.message")}</TableCell>
              <TableCell>{t("data.fix")}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {report.findings.map((f, i) => (
              <TableRow key={`${f.code}-${i}`}>
                <TableCell>
                  <Chip size="small" color={SEVERITY_COLOR[f.severity]} label={t(`data.sev.${f.severity}`)} />
                </TableCell>
                <TableCell align="right">{f.count}</TableCell>
                <TableCell>{loc(f.message)}</TableCell>
                <TableCell>{loc(f.fix)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Stack>
  );
}
