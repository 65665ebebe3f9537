import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import CssBaseline from "@mui/material/CssBaseline";
import Snackbar from "@mui/material/Snackbar";
import { ThemeProvider } from "@mui/material/styles";
import useMediaQuery from "@mui/material/useMediaQuery";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { AppInfo, AppSettings, HardwareSummary } from "../../electron/contract/dto";
import { api } from "./api/client";
import { ConnectionBanner } from "./components/ConnectionBanner";
import { ErrorAlert } from "./components/ErrorAlert";
import { TopBar } from "./components/TopBar";
import { AppContext, type AppContextValue } from "./hooks/useAppContext";
import { useHashRoute } from "./hooks/useHashRoute";
import { useStudioEvent } from "./hooks/useStudioEvent";
import { initialLanguage, setLanguage } from "./i18n";
import { ProjectsScreen } from "./screens/ProjectsScreen";
import { ProjectWizard } from "./screens/ProjectWizard";
import { makeTheme } from "./theme";
import { lastStep } from "./router";

const THEME_KEY = "loraStudio.theme";

function initialSettings(): AppSettings {
  const theme = localStorage.getItem(THEME_KEY);
  return { language: initialLanguage(), theme: theme === "light" || theme === "dark" ? theme : "system", raterName: "", advanced: false };
}

type Snack = { message: string; severity: "success" | "info" | "warning" | "error"; key: number };

export function App() {
  const [settings, setSettings] = useState<AppSettings>(initialSettings);
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [hardware, setHardware] = useState<HardwareSummary | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [snack, setSnack] = useState<Snack | null>(null);
  const [route, go] = useHashRoute();
  const prefersDark = useMediaQuery("(prefers-color-scheme: dark)");

  const loadSettings = useCallback(() => {
    api.getSettings({}).then(setSettings, setError);
  }, []);
  useEffect(() => {
    loadSettings();
    api.getAppInfo({}).then(setInfo, setError);
    api.probeHardware({}).then(setHardware, () => setHardware(null));
  }, [loadSettings]);
  useStudioEvent("state.changed", (p) => {
    if (p.kind === "settings") loadSettings();
  });

  useEffect(() => {
    setLanguage(settings.language);
    localStorage.setItem(THEME_KEY, settings.theme);
  }, [settings.language, settings.theme]);

  const updateSettings = useCallback((patch: Partial<AppSettings>) => {
    setSettings((s) => ({ ...s, ...patch }));
    api.updateSettings(patch).then(setSettings, setError);
  }, []);
  const notify = useCallback((message: string, severity: Snack["severity"] = "info") => setSnack({ message, severity, key: Date.now() }), []);

  const mode = settings.theme === "system" ? (prefersDark ? "dark" : "light") : settings.theme;
  const theme = useMemo(() => makeTheme(mode, settings.language), [mode, settings.language]);
  const ctx: AppContextValue = useMemo(() => ({ info, settings, hardware, updateSettings, notify }), [info, settings, hardware, updateSettings, notify]);

  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <AppContext.Provider value={ctx}>
        <ConnectionBanner />
        <TopBar onHome={() => go({ page: "projects" })} />
        <Box component="main" sx={{ maxWidth: 1200, mx: "auto", p: { xs: 1, sm: 2, md: 3 } }}>
          <ErrorAlert error={error} onClose={() => setError(null)} />
          {route.page === "projects" ? (
            <ProjectsScreen onOpen={(projectId) => go({ page: "project", projectId, step: lastStep(projectId) })} />
          ) : (
            <ProjectWizard projectId={route.projectId} step={route.step} go={go} />
          )}
        </Box>
        {/* Top right, under the top bar: at the bottom it covered the training charts. */}
        <Snackbar open={!!snack} key={snack?.key} autoHideDuration={6000} onClose={() => setSnack(null)} anchorOrigin={{ vertical: "top", horizontal: "right" }} sx={{ top: { xs: 72, sm: 80 } }}>
          <Alert severity={snack?.severity ?? "info"} onClose={() => setSnack(null)} variant="filled" data-testid="snackbar">
            {snack?.message}
          </Alert>
        </Snackbar>
      </AppContext.Provider>
    </ThemeProvider>
  );
}
