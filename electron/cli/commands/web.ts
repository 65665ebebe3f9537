import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError, type Command } from "../Command";
import { optionalInt, optionalString } from "../args";
import { createStudioApi } from "../../app/api/createStudioApi";
import { resolveHome } from "../../app/store/resolveHome";
import { startWebBridge } from "../../bridge/startWebBridge";

interface Result {
  stopped: NodeJS.Signals;
  home: string;
}

const DEFAULT_RENDERER = fileURLToPath(new URL("../../../dist/renderer", import.meta.url));

export const webCommand: Command<Result> = {
  name: "web",
  summary: "serve the app to your browser on 127.0.0.1 (the same app as the desktop window), until Ctrl-C",
  usage: [
    "lora-studio web [--port N] [--home DIR] [--allow DIR ...] [--open] [--renderer DIR] [--threads N] [--insecure-catalog] [--json]",
    "",
    "  Prints one line, the address to open (it carries a secret token: anyone with it can use the app as you).",
    "  --port N        port on 127.0.0.1 (default: any free one)",
    "  --home DIR      data folder (default LORA_STUDIO_HOME, else the app's data folder)",
    "  --allow DIR     a folder the app may read without an upload (repeatable)",
    "  --open          open the address in the default browser",
    "  --renderer DIR  the built pages (default dist/renderer; build them with `npm run build:renderer`)",
    "  --threads N     CPU threads for each llama.cpp chat context (default: llama.cpp's choice)",
    "  --insecure-catalog  allow a plain-http model mirror (LORA_STUDIO_CATALOG_URL inside your network; with a warning)",
    "  --json          print {\"url\", \"port\", \"home\"} instead",
  ].join("\n"),
  options: { port: { type: "string" }, home: { type: "string" }, allow: { type: "string", multiple: true }, open: { type: "boolean" }, renderer: { type: "string" }, threads: { type: "string" }, "insecure-catalog": { type: "boolean" } },
  async run(args, io) {
    const port = optionalInt(args, "port", 0, 65535) ?? 0;
    const homeOption = optionalString(args, "home");
    const home = resolveHome(homeOption ? { home: homeOption } : {});
    const allow = ((args.values.allow as string[] | undefined) ?? []).map((d) => resolve(d));
    for (const dir of allow) if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--allow ${dir}: not a folder`);
    const rendererDir = resolve(optionalString(args, "renderer") ?? DEFAULT_RENDERER);

    const threads = optionalInt(args, "threads", 1, 256);
    const insecureCatalog = args.values["insecure-catalog"] === true;
    if (insecureCatalog) io.log("warning: --insecure-catalog: models may be downloaded over plain http from the catalog mirror, where only their size and sha256 checks protect them; use it only for a mirror inside your own network");
    const studio = createStudioApi({ home, door: "web", allow, ...(insecureCatalog ? { insecureCatalog } : {}), ...(threads ? { chatThreads: threads } : {}) });
    let bridge;
    try {
      bridge = await startWebBridge({ studio, port, rendererDir });
    } catch (error) {
      await studio.dispose();
      if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") throw new UsageError(`port ${port} is taken; choose another with --port, or leave it out`);
      throw error;
    }
    // Note: a command normally returns its result for main to print, but this one runs until stopped, so the
    // address (the one line a script reads) is printed as soon as it exists.
    console.log(io.json ? JSON.stringify({ url: bridge.url, port: bridge.port, home }) : bridge.url);
    if (!existsSync(resolve(rendererDir, "index.html"))) io.log(`note: ${rendererDir} has no built pages yet; run \`npm run build:renderer\``);
    if (args.values.open === true) openInBrowser(bridge.url, io.log);

    // Note: the second Ctrl-C's handler is added inside the first one, before it returns. signal-exit (loaded with
    // node-llama-cpp's lockfile once a model is read) re-raises a signal when its own listeners are the only ones
    // left, which killed this process at once, without the checkpoints below, after the first once() had fired.
    const signal = await new Promise<NodeJS.Signals>((done) => {
      const stop = (s: NodeJS.Signals) => {
        process.off("SIGINT", onInt);
        process.off("SIGTERM", onTerm);
        // A second Ctrl-C while a checkpoint is being written ends at once.
        process.once("SIGINT", () => process.exit(130));
        process.once("SIGTERM", () => process.exit(143));
        done(s);
      };
      const onInt = () => stop("SIGINT");
      const onTerm = () => stop("SIGTERM");
      process.on("SIGINT", onInt);
      process.on("SIGTERM", onTerm);
    });
    io.log("stopping: saving training checkpoints...");
    await bridge.close();
    await studio.dispose();
    return { stopped: signal, home };
  },
  format: (r) => `stopped (${r.stopped}); data kept in ${r.home}`,
};

function openInBrowser(url: string, log: (line: string) => void): void {
  const [cmd, ...cmdArgs] = process.platform === "darwin" ? ["open", url] : process.platform === "win32" ? ["cmd", "/c", "start", "", url] : ["xdg-open", url];
  const child = spawn(cmd!, cmdArgs, { detached: true, stdio: "ignore" });
  child.on("error", (e) => log(`could not open a browser (${e.message}); open the address above yourself`));
  child.unref();
}
