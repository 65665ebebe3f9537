import AppBar from "@mui/material/AppBar";
import Chip from "@mui/material/Chip";
import FormControlLabel from "@mui/material/FormControlLabel";
import MenuItem from "@mui/material/MenuItem";
import Switch from "@mui/material/Switch";
import TextField from "@mui/material/TextField";
import ToggleButton from "@mui/material/ToggleButton";
import ToggleButtonGroup from "@mui/material/ToggleButtonGroup";
import Toolbar from "@mui/material/Toolbar";
import Tooltip from "@mui/material/Tooltip";
import Typography from "@mui/material/Typography";
import { useTranslation } from "react-i18next";
import { THEMES, type Theme, type UiLanguage } from "../../../electron/contract/dto";
import { hardwareChipText } from "../hardwareChipText";
import { useAppContext } from "../hooks/useAppContext";
import { useLocalized } from "../hooks/useLocalized";

export function TopBar({ onHome }: { onHome: () => void }) {
  const { t } = useTranslation();
  const { lang } = useLocalized();
  const { settings, updateSettings, hardware } = useAppContext();
  const { label: hwLabel, detail } = hardwareChipText(hardware, t, lang);
  const hwDetail = detail.join("\n");
  return (
    <AppBar position="static" color="default" elevation={1} component="header">
      <Toolbar sx={{ gap: 2, flexWrap: "wrap" }}>
        <Typography
          variant="h6"
          component="a"
          href="#/"
          onClick={(e) => {
            e.preventDefault();
            onHome();
          }}
          sx={{ color: "inherit", textDecoration: "none", flexGrow: 1 }}
          data-testid="app-title"
        >
          {t("app.name")}
        </Typography>
        <ToggleButtonGroup
          size="small"
          exclusive
          value={settings.language}
          onChange={(_, v: UiLanguage | null) => v && updateSettings({ language: v })}
          aria-label={t("top.language")}
          data-testid="language-switch"
        >
          <ToggleButton value="en" data-testid="language-en" lang="en">
            EN
          </ToggleButton>
          <ToggleButton value="zh" data-testid="language-zh" lang="zh-CN">
            中文
          </ToggleButton>
        </ToggleButtonGroup>
        <TextField
          select
          size="small"
          label={t("top.theme")}
          value={settings.theme}
          onChange={(e) => updateSettings({ theme: e.target.value as Theme })}
          sx={{ minWidth: 120 }}
          data-testid="theme-select"
        >
          {THEMES.map((th) => (
            <MenuItem key={th} value={th}>
              {t(`top.themes.${th}`)}
            </MenuItem>
          ))}
        </TextField>
        <FormControlLabel
          control={<Switch checked={settings.advanced} onChange={(e) => updateSettings({ advanced: e.target.checked })} slotProps={{ input: { "data-testid": "advanced-toggle" } as object }} />}
          label={t("top.advanced")}
        />
        <Tooltip title={<span style={{ whiteSpace: "pre-line" }}>{hwDetail}</span>}>
          <Chip label={hwLabel} variant="outlined" data-testid="hardware-chip" tabIndex={0} aria-label={`${t("top.hardware")}: ${hwLabel}`} />
        </Tooltip>
      </Toolbar>
    </AppBar>
  );
}
