import Chip from "@mui/material/Chip";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import { useTranslation } from "react-i18next";
import type { CompatibilityRow } from "../../../electron/contract/dto";

const COLOR = { yes: "success", caveat: "warning", no: "error" } as const;

export function CompatibilityTable({ rows }: { rows: CompatibilityRow[] }) {
  const { t } = useTranslation();
  return (
    <Table size="small" aria-label={t("export.compatibility")} data-testid="export-compatibility">
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
            <TableCell>{r.artifact}</TableCell>
            <TableCell>{r.runtime}</TableCell>
            <TableCell>
              <Chip size="small" color={COLOR[r.status]} label={t(`export.status.${r.status}`)} />
            </TableCell>
            <TableCell>{r.reason}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
