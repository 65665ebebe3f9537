import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { repoRoot } from "../../test/helpers/paths";

export interface BridgeProcess {
  url: string;
  origin: string;
  child: ChildProcess;
  /** Everything the process wrote to stderr (shown when a test fails). */
  log: string[];
  stop(): Promise<number | null>;
}

/** Starts `lora-studio web --port 0 --home HOME --json` as a user would and waits for its URL. */
export async function startBridgeProcess(home: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<BridgeProcess> {
  const child = spawn(process.execPath, [join(repoRoot, "bin/lora-studio.js"), "web", "--port", "0", "--home", home, "--json", ...extraArgs], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (l) => log.push(l));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lora-studio web printed no URL in 60 s:\n${log.join("\n")}`)), 60_000);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const match = /"url"\s*:\s*"([^"]+)"/.exec(line) ?? /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once("exit", (code) => reject(new Error(`lora-studio web exited with ${code} before printing a URL:\n${log.join("\n")}`)));
  });
  const origin = new URL(url).origin;
  return {
    url,
    origin,
    child,
    log,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill("SIGINT");
      }),
  };
}
