import { findPii } from "./findPii";

/** A value shown without repeating it whole: "jo**********om" (four characters or fewer: all stars). */
export function maskValue(text: string): string {
  const chars = [...text];
  if (chars.length <= 4) return "*".repeat(chars.length);
  return chars.slice(0, 2).join("") + "*".repeat(chars.length - 4) + chars.slice(-2).join("");
}

/** The text with every piece of personal data found in it masked (for previews: what is shown, not what trains). */
export function maskPiiInText(text: string): string {
  let out = "";
  let at = 0;
  for (const span of findPii(text)) {
    out += text.slice(at, span.start) + maskValue(span.text);
    at = span.end;
  }
  return out + text.slice(at);
}
