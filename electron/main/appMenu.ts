import { app, dialog, Menu, shell, type BrowserWindow, type MenuItemConstructorOptions } from "electron";

/** The application menu: the usual edit/view/window roles, the data folder, and an about box. */
export function installAppMenu(home: string, window: () => BrowserWindow | null): void {
  const about = () => {
    const detail = [`Version ${app.getVersion()}`, `Electron ${process.versions.electron}, Chromium ${process.versions.chrome}, Node ${process.versions.node}`, `Data folder: ${home}`, "", "Fine-tunes small language models on this computer; your data never leaves it."].join("\n");
    const w = window();
    const options = { type: "info" as const, title: "About LoRA Studio", message: "LoRA Studio", detail, buttons: ["OK"] };
    void (w ? dialog.showMessageBox(w, options) : dialog.showMessageBox(options));
  };
  const openData = () => void shell.openPath(home);
  const isMac = process.platform === "darwin";
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ label: app.name, submenu: [{ label: "About LoRA Studio", click: about }, { type: "separator" as const }, { role: "hide" as const }, { role: "hideOthers" as const }, { role: "unhide" as const }, { type: "separator" as const }, { role: "quit" as const }] }] : []),
    { label: "File", submenu: [{ label: "Open Data Folder", click: openData }, { type: "separator" }, isMac ? { role: "close" } : { role: "quit" }] },
    { role: "editMenu" },
    {
      label: "View",
      submenu: [
        { role: "reload" },
        // Developer tools only in development: a packaged app has no use for them and they widen what a page can do.
        ...(app.isPackaged ? [] : [{ role: "toggleDevTools" as const }]),
        { type: "separator" },
        { role: "resetZoom" },
        { role: "zoomIn" },
        { role: "zoomOut" },
        { type: "separator" },
        { role: "togglefullscreen" },
      ],
    },
    { role: "windowMenu" },
    { role: "help", submenu: [{ label: "About LoRA Studio", click: about }, { label: "Open Data Folder", click: openData }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
