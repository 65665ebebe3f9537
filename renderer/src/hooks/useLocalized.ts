import { useTranslation } from "react-i18next";
import type { Localized } from "../../../electron/contract/dto";
import type { Lang } from "../format";

/** The UI language and a picker for the api's {en, zh} texts. */
export function useLocalized(): { lang: Lang; loc: (l: Localized | null | undefined) => string } {
  const { i18n } = useTranslation();
  const lang: Lang = i18n.language?.startsWith("zh") ? "zh" : "en";
  return { lang, loc: (l) => (l ? l[lang] || l.en : "") };
}
