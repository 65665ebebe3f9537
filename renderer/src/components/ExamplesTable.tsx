import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableContainer from "@mui/material/TableContainer";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import { useTranslation } from "react-i18next";
import type { ExamplePreview } from "../../../electron/contract/dto";
import { formatSource } from "../formatSource";
import { LONG_TEXT_SX } from "../longText";
import { DraftedMarker } from "./DraftedMarker";

const clip = (s: string, n = 200) => (s.length > n ? `${s.slice(0, n)}…` : s);

export function ExamplesTable({ examples, formats }: { examples: ExamplePreview[]; formats: Record<string, string> }) {
  const { t } = useTranslation();
  return (
    <TableContainer sx={{ maxHeight: 420 }} tabIndex={0} aria-label={t("data.examplesTable")}>
      <Table size="small" stickyHeader data-testid="examples-table" aria-label={t("data.examplesTable")}>
        <TableHead>
          <TableRow>
            <TableCell>{t("data.source")}</TableCell>
            <TableCell>{t("data.format")}</TableCell>
            <TableCell>{t("data.prompt")}</TableCell>
            <TableCell>{t("data.answer")}</TableCell>
            <TableCell>{t("data.split")}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {examples.map((e) => {
            const user = e.messages?.filter((m) => m.role !== "assistant").map((m) => m.content).join("\n") ?? "";
            const answer = e.messages?.filter((m) => m.role === "assistant").map((m) => m.content).join("\n") ?? "";
            return (
              <TableRow key={e.id}>
                {/* A file name breaks only where it must (a very long one), not inside a short one like clinic-faq.jsonl. */}
                <TableCell sx={{ overflowWrap: "anywhere", minWidth: 180 }}>
                  {formatSource(e.source)}
                  {e.provenance && <DraftedMarker provenance={e.provenance} />}
                </TableCell>
                <TableCell>{formats[e.source.file] ?? t(`data.kind.${e.kind}`)}</TableCell>
                <TableCell sx={LONG_TEXT_SX}>{clip(e.kind === "document" ? (e.text ?? "") : user)}</TableCell>
                <TableCell sx={LONG_TEXT_SX}>{clip(answer)}</TableCell>
                <TableCell>{e.split ? t(`data.splits.${e.split}`) : "—"}</TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
