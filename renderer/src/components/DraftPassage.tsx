import Box from "@mui/material/Box";
import type { DraftSource } from "../../../electron/contract/dto";
import { evidenceSegments } from "../drafting/evidenceSegments";
import { LONG_TEXT_SX } from "../longText";

/** A source passage with the sentences the answer relies on marked (<mark>, which screen readers announce). */
export function DraftPassage({ text, source, testId }: { text: string; source: DraftSource; testId?: string }) {
  return (
    <Box component="blockquote" sx={{ m: 0, pl: 1.5, borderLeft: 3, borderColor: "divider", ...LONG_TEXT_SX, "& mark": { bgcolor: (th) => (th.palette.mode === "dark" ? "#5c4d00" : "#fff0a0"), color: "text.primary", borderRadius: 0.5, px: 0.25 } }} data-testid={testId}>
      {evidenceSegments(text, source.start, source.evidence).map((s, i) => (s.mark ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
    </Box>
  );
}
