import { execFileSync, fork, spawn } from "node:child_process";
import { APP_CONTENT_SECURITY_POLICY } from "../../electron/main/contentSecurityPolicy";
import { trainerCommandLineSwitches } from "../../electron/main/trainerWindowOptions";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTinyModel } from "../../electron/engine/gguf/tiny/makeTinyModel";
import type { TrainJob, TrainWorkerCommand, TrainWorkerMessage } from "../../electron/engine/training/TrainJob";
import { TrainConfigSchema } from "../../electron/engine/training/TrainConfig";
import type { TrainingEvent } from "../../electron/engine/training/trainingEvents";
import { relayTrainingProcess, type WorkerPort } from "../../electron/app/training/relayTrainingProcess";
import { trainWorkerPath } from "../../electron/worker/trainWorkerPath";
import { repoRoot } from "../helpers/paths";
import { useCalibrationSpawner } from "../../electron/app/hardware/calibrationSpawner";
import { measureInChild } from "../../electron/app/hardware/measureInChild";

const dir = mkdtempSync(join(tmpdir(), "train-worker-"));
const bundleDir = join(repoRoot, "dist", "electron");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The relay over a Node fork: the same protocol the utilityProcess launcher speaks, minus Electron. */
function forkPort(script: string): WorkerPort {
  const child = fork(script, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return {
    get pid() {
      return child.pid;
    },
    send: (command: TrainWorkerCommand) => void (child.connected && child.send(command)),
    onMessage: (handler) => child.on("message", (m) => handler(m as TrainWorkerMessage)),
    onExit: (handler) => child.on("exit", (code, signal) => handler(code, signal)),
  };
}

beforeAll(() => {
  // The app runs the bundles, so the bundles are what is tested here.
  execFileSync(process.execPath, [join(repoRoot, "scripts", "buildElectron.mjs")], { cwd: repoRoot, stdio: "inherit" });
}, 120_000);

describe("the relay of the worker protocol", () => {
  it("starts the job on ready, relays events, and reports a death with its cause", async () => {
    let onMessage: (m: TrainWorkerMessage) => void = () => {};
    let onExit: (code: number | null, signal: NodeJS.Signals | null) => void = () => {};
    const sent: TrainWorkerCommand[] = [];
    const events: TrainingEvent[] = [];
    const job = { modelPath: "m.gguf" } as TrainJob;
    const p = relayTrainingProcess({ pid: 7, send: (c) => sent.push(c), onMessage: (h) => (onMessage = h), onExit: (h) => (onExit = h) }, job, (e) => events.push(e));
    expect(p.pid).toBe(7);
    onMessage({ type: "ready" });
    p.pause();
    expect(sent).toEqual([{ type: "start", job }, { type: "pause" }]);
    onMessage({ type: "event", event: { type: "log" } as unknown as TrainingEvent });
    expect(events).toHaveLength(1);
    onExit(null, "SIGKILL");
    expect(await p.done).toMatchObject({ status: "died", signal: "SIGKILL", cause: expect.stringMatching(/^the training process (was killed \(SIGKILL\)|ran out of memory)/) });
    p.cancel(); // after the exit nothing is sent to a dead process
    expect(sent).toHaveLength(2);
  });
});

describe("the bundled training worker (dist/electron/trainWorker.mjs)", () => {
  it("sits where the Electron app looks for it", () => {
    expect(trainWorkerPath(bundleDir)).toBe(join(bundleDir, "trainWorker.mjs"));
    expect(existsSync(trainWorkerPath(bundleDir))).toBe(true);
  });

  it("refuses a malformed job as a failure, not a crash", async () => {
    const p = relayTrainingProcess(forkPort(trainWorkerPath(bundleDir)), { bogus: true } as unknown as TrainJob, () => {});
    expect(await p.done).toMatchObject({ status: "failed", error: { code: "ZodError" } });
  });

  it("trains two steps of a tiny model on the wasm backend (finds its .wasm files from the bundle)", async () => {
    const modelPath = join(dir, "tiny.gguf");
    await makeTinyModel({ arch: "qwen2", preset: "tiny", out: modelPath, seed: 1 });
    const trainPath = join(dir, "train.jsonl");
    const item = (seed: number) => ({ tokens: Array.from({ length: 24 }, (_, i) => 300 + ((seed * 31 + i * 7) % 1500)), lossMask: Array.from({ length: 24 }, (_, i) => (i < 8 ? 0 : 1)) });
    writeFileSync(trainPath, [1, 2, 3, 4].map((s) => JSON.stringify(item(s))).join("\n") + "\n");
    const job: TrainJob = { modelPath, trainPath, validationPath: null, outDir: join(dir, "run"), config: TrainConfigSchema.parse({ seqLen: 24, maxSteps: 2, batchSize: 1, gradAccum: 1, lora: { rank: 2, alpha: 4 }, evalEvery: 0, checkpointEvery: 0 }), backend: "wasm", resume: false };
    const events: TrainingEvent[] = [];
    const p = relayTrainingProcess(forkPort(trainWorkerPath(bundleDir)), job, (e) => events.push(e));
    const result = await p.done;
    expect(result.status, JSON.stringify(result)).toBe("finished");
    expect(existsSync(join(dir, "run", "adapter.gguf"))).toBe(true);
    expect(events.length).toBeGreaterThan(0);
  }, 180_000);
});

describe("the bundled calibration child (dist/electron/calibrationChild.mjs)", () => {
  it("measures a tiny model through an injected host that starts it the way the app's utilityProcess does", async () => {
    const modelPath = join(dir, "calibrate.gguf");
    await makeTinyModel({ arch: "llama", preset: "tiny", out: modelPath, seed: 2 });
    const started: string[][] = [];
    // Like utilityCalibrationSpawner: the bundle, one JSON argument (here behind an extra switch, as Chromium may
    // add some), no ELECTRON_RUN_AS_NODE; Node stands in for Electron's utility process.
    const previous = useCalibrationSpawner((optionsJson) => {
      const args = [join(bundleDir, "calibrationChild.mjs"), "--utility-sub-type=node.mojom.NodeService", optionsJson];
      started.push(args);
      const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
      return {
        stdout: child.stdout,
        stderr: child.stderr,
        kill: () => void child.kill(),
        onExit: (handler) => void child.once("close", (code, signal) => handler(code, signal)),
        onError: (handler) => void child.once("error", handler),
      };
    });
    try {
      const result = await measureInChild({ modelPath, seqLen: 16, batchSize: 1, rank: 2, targets: ["q", "v"], steps: 1, backend: "wasm" }, 120_000);
      expect(started).toHaveLength(1);
      expect(result.peakRssMb).toBeGreaterThan(0);
      expect(result.backend).toBe("wasm");
      // A child that fails says so with its last stderr lines.
      await expect(measureInChild({ modelPath: join(dir, "missing.gguf"), seqLen: 16, batchSize: 1, rank: 2, targets: ["q"] }, 60_000)).rejects.toThrow(/calibration of .*missing\.gguf .* exited with code [1-9]/);
    } finally {
      useCalibrationSpawner(previous);
    }
  }, 180_000);
});

describe("the main and preload bundles", () => {
  const imports = (file: string) => [...readFileSync(join(bundleDir, file), "utf8").matchAll(/(?:^|\n)import [^;]*?from "([^"]+)"|require\("([^"]+)"\)/g)].map((m) => m[1] ?? m[2]!);
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { dependencies: Record<string, string>; optionalDependencies: Record<string, string> };
  const shipped = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})]);
  const packageOf = (spec: string) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);

  it("main and the worker load only Node, electron and packages the installer ships (dependencies, not devDependencies)", () => {
    for (const file of ["main.mjs", "trainWorker.mjs"]) {
      const outside = imports(file).filter((s) => !s.startsWith("node:") && !builtinModules.includes(s) && s !== "electron" && !shipped.has(packageOf(s)));
      expect(outside, file).toEqual([]);
    }
    expect(imports("main.mjs")).toContain("electron");
  });

  it("the sandboxed preload requires nothing but electron", () => {
    expect(imports("preload.cjs")).toEqual(["electron"]);
  });

  it("the hidden trainer window's page is built beside them: one self-contained script, its HTML with the CSP, a preload that requires only electron", () => {
    expect(imports("trainerPreload.cjs")).toEqual(["electron"]);
    expect(imports(join("webgpuTrainer", "trainer.js"))).toEqual([]);
    const html = readFileSync(join(bundleDir, "webgpuTrainer", "index.html"), "utf8");
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self';`);
    expect(html).toContain('<script type="module" src="./trainer.js"></script>');
  });

  it("the preload exposes only call, on and pathForFile, never ipcRenderer or its event objects", async () => {
    const exposed = new Map<string, unknown>();
    const invoked: unknown[][] = [];
    const listeners = new Map<string, Set<(...a: unknown[]) => void>>();
    const ipcRenderer = {
      // The main side answers a drop with an ApiResult: granted, or refused with why (a folder, here).
      invoke: async (...args: unknown[]) => (invoked.push(args), args[0] === "studio:dropped-file" ? (args[1] === "/data" ? { ok: false, error: { code: "invalid-input", message: "/data is a folder; LoRA Studio takes dropped files only" } } : { ok: true, value: true }) : { ok: true, value: "answer" }),
      on: (channel: string, l: (...a: unknown[]) => void) => void (listeners.get(channel) ?? listeners.set(channel, new Set()).get(channel)!).add(l),
      removeListener: (channel: string, l: (...a: unknown[]) => void) => void listeners.get(channel)?.delete(l),
    };
    const fakeRequire = (name: string) => {
      if (name !== "electron") throw new Error(`a sandboxed preload cannot require ${name}`);
      const webUtils = { getPathForFile: (file: { diskPath?: string }) => file.diskPath ?? "" };
      return { contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) }, ipcRenderer, webUtils };
    };
    new Function("require", readFileSync(join(bundleDir, "preload.cjs"), "utf8"))(fakeRequire);
    expect([...exposed.keys()]).toEqual(["studio"]);
    const studio = exposed.get("studio") as { call(m: string, p: unknown): Promise<unknown>; on(l: (e: unknown) => void): () => void; pathForFile(f: unknown): Promise<string | null> };
    expect(Object.keys(studio).sort()).toEqual(["call", "on", "pathForFile"]);
    expect(await studio.call("listProjects", {})).toEqual({ ok: true, value: "answer" });
    expect(invoked).toEqual([["studio:call", "listProjects", {}]]);
    // A dropped file's path is computed from the File by Electron and granted through its own channel; a File
    // the page made up (no disk path) is never sent.
    expect(await studio.pathForFile({ diskPath: "/data/model.gguf" })).toBe("/data/model.gguf");
    expect(await studio.pathForFile({})).toBeNull();
    // A refused drop rejects with the main side's reason, which the page shows (renderer/src/api/client.ts).
    await expect(studio.pathForFile({ diskPath: "/data" })).rejects.toThrow("/data is a folder; LoRA Studio takes dropped files only");
    expect(invoked.slice(1)).toEqual([
      ["studio:dropped-file", "/data/model.gguf"],
      ["studio:dropped-file", "/data"],
    ]);
    invoked.length = 1;
    const got: unknown[] = [];
    const off = studio.on((e) => got.push(e));
    const ipcEvent = { sender: ipcRenderer, senderId: 0 };
    for (const l of listeners.get("studio:event")!) l(ipcEvent, { event: "state.changed", payload: { kind: "projects", projectId: null } });
    expect(got).toEqual([{ event: "state.changed", payload: { kind: "projects", projectId: null } }]);
    off();
    expect(listeners.get("studio:event")!.size).toBe(0);
  });
});

describe("the built main process, run against a stand-in Electron (test/main/fakeElectron)", () => {
  it("opens one secure window on app://studio, serves the page with the CSP, routes IPC, remembers the window, and disposes before quitting", () => {
    // Electron's binary cannot run here; the stand-in records what main.mjs asks of Electron and plays the user.
    const home = join(dir, "electron-home");
    const stdout = execFileSync(process.execPath, ["--import", "./test/main/fakeElectron/register.mjs", "test/main/fakeElectron/driveMain.mjs", join(bundleDir, "main.mjs")], { cwd: repoRoot, env: { ...process.env, LORA_STUDIO_HOME: home }, encoding: "utf8", timeout: 60_000 });
    const out = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(out.paths.userData).toBe(home);
    expect(out.privileged).toEqual([{ scheme: "app", privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    // WebGPU in the hidden trainer window needs these on Linux, read by Chromium before ready (trainerWindowOptions.ts).
    expect(out.switches).toEqual(trainerCommandLineSwitches({ platform: process.platform, pageBuilt: true, forcedBackend: process.env.LORA_STUDIO_BACKEND }));
    if (process.platform === "linux" && !process.env.LORA_STUDIO_BACKEND) expect(out.switches).toEqual([["enable-unsafe-webgpu"], ["enable-features", "Vulkan"]]);
    expect(out.windows).toBe(1);
    expect(out.loaded).toBe("app://studio/index.html");
    expect(out.show).toBe(false);
    expect(out.webPreferences).toMatchObject({ preload: join(bundleDir, "preload.cjs"), contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, allowRunningInsecureContent: false });
    expect(out.page).toEqual({ status: 200, csp: APP_CONTENT_SECURITY_POLICY, type: "text/html; charset=utf-8", hasHtml: true });
    expect([403, 404]).toContain(out.escape.status);
    expect(out.escape.body).not.toContain("lora-studio");
    expect(out.ipcChannels).toEqual(["studio:call", "studio:dropped-file"]);
    expect(out.created).toMatchObject({ ok: true, value: { name: "Via IPC" } });
    expect(out.foreign).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(out.appInfo).toMatchObject({ ok: true, value: { door: "electron", home, canPickFiles: true } });
    expect(out.eventsSent).toContain("studio:event state.changed");
    expect(out.navigationPrevented).toEqual(["https://evil.example/"]);
    expect(out.windowOpen).toEqual({ action: "deny" });
    expect(out.permission).toBe(false);
    expect(out.windowState).toEqual({ bounds: { x: 40, y: 30, width: 1100, height: 700 }, maximized: false });
    // The first quit is held until the studio is disposed (IPC handler gone), then main quits again.
    expect(out.quitCalls).toBe(2);
    expect(out.ipcAfterQuit).toEqual([]);
    expect(out.menuLabels).toEqual(["File", "editMenu", "View", "windowMenu", "help"]);
  });
});
