import Button from "@mui/material/Button";
import Chip from "@mui/material/Chip";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import { Fragment, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Finding, QualityReportView } from "../../../electron/contract/dto";
import { formatSource } from "../formatSource";
import { LONG_TEXT_SX } from "../longText";
import { useLocalized } from "../hooks/useLocalized";

const SEVERITY_COLOR = { error: "error", warning: "warning", info: "info" } as const;
/** Locations shown at a time under a finding. */
const PAGE = 20;

/** Every location of one finding, a page at a time: where it is and, for reading problems, what is wrong there. */
function FindingLocations({ finding, index }: { finding: Finding; index: number }) {
  const { t } = useTranslation();
  const { loc } = useLocalized();
  const [shown, setShown] = useState(PAGE);
  const list = finding.samples;
  return (
    <Stack spacing={0.5} component="ul" sx={{ m: 0, pl: 2 }} data-testid={`finding-locations-${index}`}>
      {list.slice(0, shown).map((s, i) => (
        <Typography key={i} component="li" variant="body2" sx={LONG_TEXT_SX}>
          <strong>{formatSource(s.location)}</strong>
          {s.message ? ` — ${loc(s.message).replace(/^[^:：]*[:：]\s*/, "")}` : s.note ? ` — ${s.note}` : ""}
        </Typography>
      ))}
      {list.length > shown && (
        <li style={{ listStyle: "none" }}>
          <Button size="small" onClick={() => setShown((n) => n + PAGE * 5)} data-testid={`finding-more-${index}`}>
            {t("data.moreLocations", { shown, total: list.length })}
          </Button>
        </li>
      )}
      {finding.count > list.length && <Typography variant="body2" color="text.secondary">{t("data.locationsCut", { listed: list.length, count: finding.count })}</Typography>}
    </Stack>
  );
}

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
              <TableCell align="right">{t("data.problemCount")}</TableCell>
              <TableCell>{t("data.message")}</TableCell>
              <TableCell>{t("data.fix")}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {report.findings.map((f, i) => (
              <Fragment key={`${f.code}-${i}`}>
                <TableRow>
                  <TableCell>
                    <Chip size="small" color={SEVERITY_COLOR[f.severity]} label={t(`data.sev.${f.severity}`)} />
                  </TableCell>
                  <TableCell align="right">{f.count}</TableCell>
                  <TableCell sx={LONG_TEXT_SX}>{loc(f.message)}</TableCell>
                  <TableCell>{loc(f.fix)}</TableCell>
                </TableRow>
                {f.count > 1 && f.samples.some((s) => s.message) && (
                  <TableRow>
                    <TableCell />
                    <TableCell colSpan={3}>
                      <FindingLocations finding={f} index={i} />
                    </TableCell>
                  </TableRow>
                )}
              </Fragment>
            ))}
          </TableBody>
        </Table>
      )}
    </Stack>
  );
}
