import { createTheme, type Theme } from "@mui/material/styles";
import { enUS, zhCN } from "@mui/material/locale";
import type { UiLanguage } from "../../electron/contract/dto";

/** The app is offline: the system font stack, no web fonts. */
const FONT = [
  "system-ui",
  "-apple-system",
  '"Segoe UI"',
  "Roboto",
  '"PingFang SC"',
  '"Microsoft YaHei"',
  '"Noto Sans CJK SC"',
  '"Helvetica Neue"',
  "Arial",
  "sans-serif",
].join(",");

export function makeTheme(mode: "light" | "dark", lang: UiLanguage): Theme {
  return createTheme(
    {
      palette: {
        mode,
        primary: { main: mode === "light" ? "#1d5fa8" : "#8cbcf0" },
        secondary: { main: mode === "light" ? "#7a3e9d" : "#d1a6ee" },
        // Note: darker status colours in light mode so chips and buttons pass WCAG AA (axe runs in the e2e tests).
        ...(mode === "light" ? { info: { main: "#01579b" }, success: { main: "#1b5e20" }, warning: { main: "#8a4b00" }, error: { main: "#b71c1c" } } : { info: { main: "#81d4fa" }, success: { main: "#a5d6a7" }, warning: { main: "#ffcc80" }, error: { main: "#ff8a80" } }),
        contrastThreshold: 4.5,
      },
      components: {
        MuiToggleButton: { styleOverrides: { root: ({ theme }) => ({ color: theme.palette.text.primary }) } },
        // A clear ring on whatever the keyboard reaches (text buttons have no outline of their own, only a faint
        // ripple); on the stepper's steps it is drawn inside so it stays within the card.
        MuiButtonBase: { styleOverrides: { root: ({ theme }) => ({ "&.Mui-focusVisible": { outline: `3px solid ${theme.palette.primary.main}`, outlineOffset: 2 } }) } },
        MuiStepButton: { styleOverrides: { root: { padding: "8px 16px", margin: "-8px -16px", "&.Mui-focusVisible": { outlineOffset: -3 } } } },
        // Table headers never break inside a word: in English a header stays on one line (they are one to three
        // words; "SHA-256" must not split at its hyphen); Chinese wraps between characters, as it reads naturally,
        // but a column is never narrower than a header of four characters plus the padding (用途, 严重程度 stay whole).
        MuiTableCell: { styleOverrides: { head: lang === "zh" ? { wordBreak: "normal", overflowWrap: "normal", minWidth: "calc(4em + 32px)" } : { whiteSpace: "nowrap", wordBreak: "normal", overflowWrap: "normal" } } },
      },
      typography: { fontFamily: FONT },
      shape: { borderRadius: 8 },
    },
    lang === "zh" ? zhCN : enUS,
  );
}
