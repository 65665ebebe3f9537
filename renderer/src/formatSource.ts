import type { SourceRef } from "../../electron/contract/dto";

/** Where an example or a problem is: "clinic-faq.jsonl:4", "table.xlsx [Sheet1] row 7", "guide.pdf p.3". */
export function formatSource(s: SourceRef): string {
  const at = s.line != null ? `:${s.line}` : s.row != null ? ` row ${s.row}` : s.page != null ? ` p.${s.page}` : s.chunk != null ? ` #${s.chunk}` : "";
  return `${s.file}${s.sheet ? ` [${s.sheet}]` : ""}${at}`;
}
