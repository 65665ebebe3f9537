import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { APP_INDEX_URL, isAppUrl } from "../../electron/main/appUrl";
import { APP_CONTENT_SECURITY_POLICY, appResponseHeaders } from "../../electron/main/contentSecurityPolicy";
import { allowNavigation, installNavigationGuard, permissionDecision, windowOpenDecision, type NavigationHooks } from "../../electron/main/navigationGuard";
import { resolveAppRequest } from "../../electron/main/resolveAppRequest";
import { windowOptions } from "../../electron/main/windowOptions";
import { repoRoot } from "../helpers/paths";

describe("window options", () => {
  it("isolate the page: context isolation, sandbox, no Node, web security on, the preload given", () => {
    const o = windowOptions("/app/dist/electron/preload.cjs", null);
    expect(o.webPreferences).toMatchObject({
      preload: "/app/dist/electron/preload.cjs",
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    });
    expect(o.show).toBe(false);
    expect(o).not.toHaveProperty("x");
  });

  it("turn spell checking off: Chromium would download its dictionaries from Google's servers", () => {
    const o = windowOptions("/p.cjs", null);
    // Exactly false: Electron's default (when the key is absent) is on.
    expect(o.webPreferences.spellcheck).toBe(false);
    expect(Object.hasOwn(o.webPreferences, "spellcheck")).toBe(true);
    // main.ts passes the options to BrowserWindow unchanged, so no other place turns it back on.
    const main = readFileSync(join(repoRoot, "electron", "main", "main.ts"), "utf8");
    expect(main).toMatch(/new BrowserWindow\(windowOptions\(/);
    expect(main).not.toMatch(/spellcheck|setSpellCheckerLanguages|setSpellCheckerEnabled/i);
  });

  it("restore the remembered bounds", () => {
    const o = windowOptions("/p.cjs", { x: 10, y: 20, width: 1000, height: 700 });
    expect(o).toMatchObject({ x: 10, y: 20, width: 1000, height: 700 });
    expect(windowOptions("/p.cjs", { width: 1000, height: 700 })).not.toHaveProperty("x");
  });
});

describe("the window's content security policy", () => {
  it("allows only the app's own scripts and no network", () => {
    const directives = Object.fromEntries(APP_CONTENT_SECURITY_POLICY.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1).join(" ")]));
    expect(directives).toEqual({
      "default-src": "'self'",
      "script-src": "'self'",
      "style-src": "'self' 'unsafe-inline'",
      "img-src": "'self' data: blob:",
      "connect-src": "'self'",
      "object-src": "'none'",
      "base-uri": "'none'",
      "form-action": "'none'",
      "frame-ancestors": "'none'",
    });
    expect(APP_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|\*/);
    expect(appResponseHeaders("text/html", true)).toMatchObject({ "Content-Security-Policy": APP_CONTENT_SECURITY_POLICY, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store" });
  });
});

describe("the navigation guard", () => {
  it("allows only the app's own pages", () => {
    expect(isAppUrl(APP_INDEX_URL)).toBe(true);
    for (const url of [APP_INDEX_URL, "app://studio/", "app://studio/index.html#/runs", "app://studio/index.html?x=1"]) expect(allowNavigation(url), url).toBe(true);
    for (const url of ["https://example.com/", "http://127.0.0.1:3000/", "file:///etc/passwd", "app://other/index.html", "app://studio:1/index.html", "app://user@studio/", "javascript:alert(1)", "data:text/html,hi", "about:blank", "", "not a url"]) {
      expect(allowNavigation(url), url).toBe(false);
    }
  });

  it("denies window.open, webviews and every permission, through the hooks main.ts maps onto Electron", () => {
    expect(windowOpenDecision("https://example.com")).toEqual({ action: "deny" });
    for (const p of ["media", "geolocation", "notifications", "clipboard-read", "openExternal", "fullscreen"]) expect(permissionDecision(p)).toBe(false);

    const installed: Partial<Record<keyof NavigationHooks, unknown>> = {};
    installNavigationGuard({
      onNavigate: (l) => (installed.onNavigate = l),
      onAttachWebview: (l) => (installed.onAttachWebview = l),
      setWindowOpenHandler: (h) => (installed.setWindowOpenHandler = h),
      setPermissionRequestHandler: (h) => (installed.setPermissionRequestHandler = h),
      setPermissionCheckHandler: (h) => (installed.setPermissionCheckHandler = h),
    });
    const navigate = installed.onNavigate as (url: string, prevent: () => void) => void;
    const prevented: string[] = [];
    for (const url of ["https://evil.example/", APP_INDEX_URL, "file:///home/user/.ssh/id_rsa"]) navigate(url, () => prevented.push(url));
    expect(prevented).toEqual(["https://evil.example/", "file:///home/user/.ssh/id_rsa"]);
    let webview = false;
    (installed.onAttachWebview as (prevent: () => void) => void)(() => (webview = true));
    expect(webview).toBe(true);
    expect((installed.setWindowOpenHandler as (d: { url: string }) => unknown)({ url: APP_INDEX_URL })).toEqual({ action: "deny" });
    const answers: boolean[] = [];
    (installed.setPermissionRequestHandler as (p: string, cb: (g: boolean) => void) => void)("media", (g) => answers.push(g));
    expect(answers).toEqual([false]);
    expect((installed.setPermissionCheckHandler as (p: string) => boolean)("notifications")).toBe(false);
  });
});

describe("the app:// protocol's files", () => {
  const dir = mkdtempSync(join(tmpdir(), "app-protocol-"));
  const renderer = join(dir, "renderer");
  mkdirSync(join(renderer, "assets"), { recursive: true });
  writeFileSync(join(renderer, "index.html"), "<!doctype html>");
  writeFileSync(join(renderer, "assets", "app.js"), "1");
  writeFileSync(join(renderer, ".env"), "SECRET");
  writeFileSync(join(dir, "secret.txt"), "SECRET");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("serves the renderer folder with the CSP and refuses anything else", () => {
    const index = resolveAppRequest(renderer, "app://studio/index.html");
    expect(index).toMatchObject({ status: 200, path: join(renderer, "index.html") });
    expect(index.headers["Content-Security-Policy"]).toBe(APP_CONTENT_SECURITY_POLICY);
    expect(resolveAppRequest(renderer, "app://studio/")).toMatchObject({ status: 200, path: join(renderer, "index.html") });
    expect(resolveAppRequest(renderer, "app://studio/assets/app.js?v=1")).toMatchObject({ status: 200, headers: { "Content-Type": "text/javascript; charset=utf-8" } });
    expect(resolveAppRequest(renderer, "app://studio/missing.js").status).toBe(404);
    for (const url of ["app://studio/%2e%2e/secret.txt", "app://studio/assets/..%2f..%2fsecret.txt", "app://studio/.env", "app://other/index.html", "file:///etc/passwd"]) {
      expect(resolveAppRequest(renderer, url).status, url).toBe(403);
    }
  });
});
