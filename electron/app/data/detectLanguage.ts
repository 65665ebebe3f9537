/** The main script of a text: "zh" (Han), "en" (Latin), "other" (another script) or "none" (no letters). */
export type Language = "zh" | "en" | "other" | "none";

/**
 * A script-based language guess, enough to tell Chinese from English (the languages the users work in) and to
 * notice a third. Note: Japanese kana count as "other", so Japanese is not mistaken for Chinese.
 */
export function detectLanguage(text: string): Language {
  let han = 0;
  let latin = 0;
  let other = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) han++;
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f)) latin++;
    else if (/\p{L}/u.test(ch)) other++;
  }
  // A Han character carries about as much as a Latin word: weigh them so.
  const zh = han * 3;
  const total = zh + latin + other;
  if (total === 0) return "none";
  if (zh / total >= 0.4) return "zh";
  if (latin / total >= 0.6) return "en";
  if (other / total >= 0.5) return "other";
  return zh >= latin ? "zh" : "en";
}

export const LANGUAGE_NAMES: Record<Language, { en: string; zh: string }> = {
  zh: { en: "Chinese", zh: "中文" },
  en: { en: "English", zh: "英文" },
  other: { en: "other scripts", zh: "其他文字" },
  none: { en: "no letters", zh: "无文字" },
};
