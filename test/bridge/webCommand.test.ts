import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/paths";

const dir = mkdtempSync(join(tmpdir(), "web-command-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  firstLine: string;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts `lora-studio web` and resolves with the first line it prints. */
function startWeb(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [join(repoRoot, "bin/lora-studio.js"), "web", ...args], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  let err = "";
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address within 60 s; stderr: ${err}`)), 60_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf("\n");
      if (nl >= 0) {
        clearTimeout(timer);
        resolve({ child, firstLine: out.slice(0, nl), stdout: () => out, stderr: () => err, exit });
      }
    });
    void exit.then((code) => reject(new Error(`exited with ${code} before printing; stderr: ${err}`)));
  });
}

describe("lora-studio web", () => {
  it("prints one line with the tokenized address, serves the api there, and exits 0 on Ctrl-C", async () => {
    const home = join(dir, "home");
    const allowed = join(dir, "allowed");
    mkdirSync(allowed);
    writeFileSync(join(allowed, "faq.jsonl"), '{"instruction":"Open on Sunday?","output":"No."}\n');
    writeFileSync(join(dir, "elsewhere.jsonl"), '{"instruction":"Open on Sunday?","output":"No."}\n');
    const web = await startWeb(["--port", "0", "--home", home, "--allow", allowed]);
    const match = /^http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})$/.exec(web.firstLine);
    expect(match, web.firstLine).not.toBeNull();
    const [, port, token] = match!;
    const call = async (method: string, params: unknown) => {
      const r = await fetch(`http://127.0.0.1:${port}/api/${method}`, { method: "POST", headers: { "x-studio-token": token!, "content-type": "application/json" }, body: JSON.stringify(params) });
      return (await r.json()) as { ok: boolean; value: unknown };
    };
    const info = await call("getAppInfo", {});
    expect(info.ok).toBe(true);
    expect(info.value).toMatchObject({ door: "web", home, canPickFiles: false });
    expect((await call("createProject", { name: "From the command", domain: "other", language: "en" })).ok).toBe(true);
    // --allow DIR: files there are readable without an upload; files elsewhere are not.
    expect((await call("previewData", { paths: [join(allowed, "faq.jsonl")] })).ok).toBe(true);
    expect(await call("previewData", { paths: [join(dir, "elsewhere.jsonl")] })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect((await fetch(`http://127.0.0.1:${port}/api/listProjects`, { method: "POST" })).status).toBe(401);

    web.child.kill("SIGINT");
    expect(await web.exit, web.stderr()).toBe(0);
    // The address is the only line printed while it runs; the last line says where the data stays.
    const lines = web.stdout().trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(`stopped (SIGINT); data kept in ${home}`);
  });

  it("with --json prints {url, port, home} and stops on SIGTERM", async () => {
    const home = join(dir, "home-json");
    const web = await startWeb(["--home", home, "--json"]);
    const info = JSON.parse(web.firstLine) as { url: string; port: number; home: string };
    expect(info.home).toBe(home);
    expect(info.url).toBe(`http://127.0.0.1:${info.port}/?token=${new URL(info.url).searchParams.get("token")}`);
    const page = await fetch(info.url);
    expect(page.status).toBe(200);
    web.child.kill("SIGTERM");
    expect(await web.exit).toBe(0);
  });
});
