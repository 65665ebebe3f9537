import Alert from "@mui/material/Alert";
import Chip from "@mui/material/Chip";
import Tooltip from "@mui/material/Tooltip";
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
  const { t, i18n } = useTranslation();
  const { lang } = useLocalized();
  /** Every format's technical notes once each (formats repeat the same ones), for IT, in the UI's language where translated. */
  const notes = [...new Map(summary.results.flatMap((r) => r.notes).map((n) => [n.en, n])).values()];
  return (
    <>
      <Table size="small" aria-label={t("export.filesTable")}>
        <TableHead>
          <TableRow>
            <TableCell>{t("export.formatCol")}</TableCell>
            <TableCell>{t("export.path")}</TableCell>
            <TableCell align="right">{t("export.size")}</TableCell>
            <TableCell>SHA-256</TableCell>
            <TableCell>{t("export.parity.title")}</TableCell>
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
                <TableCell data-testid={f.parity ? `export-parity-${r.format}` : undefined}>
                  {f.parity ? (
                    <Tooltip title={t("export.parity.detail", { max: f.parity.maxAbsLogprobDiff.toExponential(1), mean: f.parity.meanAbsLogprobDiff.toExponential(1), tokens: f.parity.tokens, bound: f.parity.bound })}>
                      <Chip size="small" color={f.parity.pass ? "success" : "error"} label={f.parity.pass ? t("export.parity.pass") : t("export.parity.fail")} tabIndex={0} />
                    </Tooltip>
                  ) : (
                    "—"
                  )}
                </TableCell>
              </TableRow>
            )),
          )}
        </TableBody>
      </Table>
      {summary.results
        .filter((r) => r.error)
        .map((r) => (
          <Alert key={`${r.format}-error`} severity="warning" sx={{ mt: 1 }} data-testid={`export-error-${r.format}`}>
            {t(`export.format.${r.format}.name`)}: {r.errorCode && i18n.exists(`export.errorCode.${r.errorCode}`) ? t(`export.errorCode.${r.errorCode}`) : r.error}
          </Alert>
        ))}
      {notes.length > 0 && (
        <details data-testid="export-notes">
          <summary>
            <Typography component="span" variant="body2">
              {t("export.notesForIt")}
            </Typography>
          </summary>
          {notes.map((n) => {
            const text = lang === "zh" ? n.zh : n.en;
            return (
              <Typography key={n.en} variant="body2" color="text.secondary" lang={lang === "zh" && n.zh !== n.en ? "zh-CN" : "en"} sx={{ overflowWrap: "anywhere" }}>
                {text}
              </Typography>
            );
          })}
        </details>
      )}
    </>
  );
}
