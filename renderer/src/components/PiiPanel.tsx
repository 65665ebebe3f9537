import MenuItem from "@mui/material/MenuItem";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useTranslation } from "react-i18next";
import { REDACTION_MODES, type PiiKind, type PiiSummary, type RedactionMode } from "../../../electron/contract/dto";

export function PiiPanel({ pii, redaction, onChange }: { pii: PiiSummary[]; redaction: Partial<Record<PiiKind, RedactionMode>>; onChange: (kind: PiiKind, mode: RedactionMode) => void }) {
  const { t } = useTranslation();
  return (
    <Stack spacing={1} data-testid="pii-panel">
      <Typography variant="h6" component="h3">
        {t("data.pii")}
      </Typography>
      <Typography variant="body2" color="text.secondary" data-testid="pii-may-miss">
        {t("data.piiMayMiss")}
      </Typography>
      {pii.length === 0 ? (
        <Typography color="text.secondary">{t("data.noPii")}</Typography>
      ) : (
        <>
          <Typography variant="body2" color="text.secondary">
            {t("data.piiIntro")}
          </Typography>
          <Table size="small" aria-label={t("data.pii")}>
            <TableHead>
              <TableRow>
                <TableCell>{t("data.piiKind")}</TableCell>
                <TableCell align="right">{t("data.count")}</TableCell>
                <TableCell>{t("data.samples")}</TableCell>
                <TableCell>{t("data.redaction")}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {pii.map((p) => (
                <TableRow key={p.kind}>
                  <TableCell>{t(`pii.${p.kind}`)}</TableCell>
                  <TableCell align="right">{p.count}</TableCell>
                  <TableCell sx={{ fontSize: 12 }}>{p.samples.slice(0, 3).map((s) => `${s.note ?? ""} (${s.location.file})`).join("; ")}</TableCell>
                  <TableCell>
                    <TextField
                      select
                      size="small"
                      label={`${t("data.redaction")}: ${t(`pii.${p.kind}`)}`}
                      value={redaction[p.kind] ?? "placeholder"}
                      onChange={(e) => onChange(p.kind, e.target.value as RedactionMode)}
                      sx={{ minWidth: 200 }}
                      data-testid={`redaction-${p.kind}`}
                    >
                      {REDACTION_MODES.map((m) => (
                        <MenuItem key={m} value={m}>
                          {t(`redaction.${m}`)}
                        </MenuItem>
                      ))}
                    </TextField>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
    </Stack>
  );
}
