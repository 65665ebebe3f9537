import { isAppUrl } from "./appUrl";

/**
 * The hooks of a window's webContents and session the guard uses, in a shape plain Node tests can fake; main.ts
 * maps them onto will-navigate / will-redirect / will-frame-navigate, will-attach-webview and the session.
 */
export interface NavigationHooks {
  onNavigate(listener: (url: string, prevent: () => void) => void): void;
  onAttachWebview(listener: (prevent: () => void) => void): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: "deny" }): void;
  setPermissionRequestHandler(handler: (permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (permission: string) => boolean): void;
}

/** Navigation may only go to the app's own pages (app://studio/...); everything else stays out of the window. */
export function allowNavigation(url: string): boolean {
  return isAppUrl(url);
}

/** No popups: the app has no second window, and a link must not open an unguarded one. */
export function windowOpenDecision(_url: string): { action: "deny" } {
  return { action: "deny" };
}

/** The app needs no camera, microphone, notifications, geolocation, clipboard-read, ... so every request is refused. */
export function permissionDecision(_permission: string): false {
  return false;
}

/** Wires the decisions above into a window's contents and its session (`allow`: the hidden trainer's own rule). */
export function installNavigationGuard(hooks: NavigationHooks, allow: (url: string) => boolean = allowNavigation): void {
  hooks.onNavigate((url, prevent) => {
    if (!allow(url)) prevent();
  });
  hooks.onAttachWebview((prevent) => prevent());
  hooks.setWindowOpenHandler(({ url }) => windowOpenDecision(url));
  hooks.setPermissionRequestHandler((permission, callback) => callback(permissionDecision(permission)));
  hooks.setPermissionCheckHandler((permission) => permissionDecision(permission));
}
