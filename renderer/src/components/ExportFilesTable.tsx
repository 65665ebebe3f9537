import Alert from "@mui/material/Alert";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import { useTranslation } from "react-i18next";
import type { ExportSummary } from "../../../electron/contract/dto";
import { formatBytes } from "../format";
import { useLocalized } from "../hooks/useLocalized";

export function ExportFilesTable({ summary }: { summary: ExportSummary }) {
  const { t } = useTranslation();
  const { lang } = useLocalized();
  return (
    <>
      <Table size="small" aria-label={t("export.filesTable")}>
        <TableHead>
          <TableRow>
            <TableCell>{t("export.formatCol")}</TableCell>
            <TableCell>{t("export.path")}</TableCell>
            <TableCell align="right">{t("export.size")}</TableCell>
            <TableCell>SHA-256</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {summary.results.flatMap((r) =>
            r.files.map((f) => (
              <TableRow key={`${r.format}-${f.path}`}>
                <TableCell>{t(`export.format.${r.format}.name`)}</TableCell>
                <TableCell sx={{ wordBreak: "break-all" }}>{f.path}</TableCell>
                <TableCell align="right" sx={{ whiteSpace: "nowrap" }}>
                  {formatBytes(f.bytes, lang)}
                </TableCell>
                <TableCell sx={{ fontFamily: "monospace", fontSize: 12, wordBreak: "break-all" }}>{f.sha256}</TableCell>
              </TableRow>
            )),
          )}
        </TableBody>
      </Table>
      {summary.results
        .filter((r) => r.error)
        .map((r) => (
          <Alert key={`${r.format}-error`} severity="error" sx={{ mt: 1 }} data-testid={`export-error-${r.format}`}>
            {t(`export.format.${r.format}.name`)}: {r.error}
          </Alert>
        ))}
      {summary.results.some((r) => r.notes.length > 0) &&
        summary.results.map((r) =>
          r.notes.map((n, i) => (
            <Typography key={`${r.format}-${i}`} variant="body2" color="text.secondary">
              {t(`export.format.${r.format}.name`)}: {n}
            </Typography>
          )),
        )}
    </>
  );
}
