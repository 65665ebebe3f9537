import Box from "@mui/material/Box";
import Chip from "@mui/material/Chip";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import { useTranslation } from "react-i18next";
import type { CompatibilityRow } from "../../../electron/contract/dto";
import { useLocalized } from "../hooks/useLocalized";

const COLOR = { yes: "success", caveat: "warning", no: "error" } as const;
const STATUSES = ["yes", "caveat", "no"] as const;

/**
 * Which programs can use each exported file, as a short translated list for the person exporting ("Works in:
 * llama.cpp, LM Studio, Ollama"); the technical notes, written for IT (and in the files' compatibility report),
 * fold away beneath it.
 */
export function CompatibilityTable({ rows }: { rows: CompatibilityRow[] }) {
  const { t } = useTranslation();
  const { lang, loc } = useLocalized();
  const artifacts = [...new Set(rows.map((r) => r.artifact))];
  return (
    <Stack spacing={1.5} data-testid="export-compatibility">
      <Box component="ul" sx={{ m: 0, pl: 2.5 }} data-testid="export-compatibility-summary">
        {artifacts.map((a) => (
          <li key={a}>
            <Typography component="span" sx={{ fontWeight: 600 }}>
              {t(`export.artifactName.${a}`, { defaultValue: a })}
            </Typography>
            {STATUSES.map((s) => {
              const names = rows.filter((r) => r.artifact === a && r.status === s).map((r) => r.runtime);
              return names.length ? (
                <Typography key={s} component="span">
                  {" · "}
                  {t(`export.statusList.${s}`, { list: names.join(", ") })}
                </Typography>
              ) : null;
            })}
          </li>
        ))}
      </Box>
      <details>
        <summary>
          <Typography component="span" variant="body2">
            {t("export.notesForIt")}
          </Typography>
        </summary>
        <Table size="small" aria-label={t("export.compatibility")}>
          <TableHead>
            <TableRow>
              <TableCell>{t("export.artifact")}</TableCell>
              <TableCell>{t("export.runtime")}</TableCell>
              <TableCell>{t("export.works")}</TableCell>
              <TableCell>{t("export.reason")}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((r, i) => (
              <TableRow key={`${r.artifact}-${r.runtime}-${i}`}>
                <TableCell>{t(`export.artifactName.${r.artifact}`, { defaultValue: r.artifact })}</TableCell>
                <TableCell>{r.runtime}</TableCell>
                <TableCell>
                  <Chip size="small" color={COLOR[r.status]} label={t(`export.status.${r.status}`)} />
                </TableCell>
                <TableCell lang={lang === "zh" && r.reason.zh ? "zh-CN" : "en"}>{loc(r.reason)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </details>
    </Stack>
  );
}
