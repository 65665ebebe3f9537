/**
 * Ctrl-C in a terminal reaches the whole process group, the training worker included. The worker checkpoints at
 * the end of its step and ends; the run is interrupted (not failed, not lost) and `train --resume` continues
 * from the step where it stopped, not from the last interval checkpoint.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { metricsEventsOf } from "../../electron/app/store/readMetricsEvents";
import type { RunRecord } from "../../electron/app/training/RunRecord";
import { repoRoot } from "../helpers/paths";
import { runCli } from "../helpers/runCli";
import { tinyTrainingFixture } from "../helpers/tinyTrainingFixture";
import { childrenOf } from "../helpers/childProcesses";

const { dir, model, data } = tinyTrainingFixture("cli-train-interrupt-");

const TRAIN = ["--model", model, "--data", data, "--defaults", "--max-steps", "120", "--checkpoint-every", "1000", "--eval-every", "1000", "--batch", "2", "--accum", "1", "--seq-len", "96", "--rank", "4", "--val-split", "0"];

/** Starts `lora-studio train` in a process group of its own (as a terminal would) and resolves once `until` is printed. */
function startTrain(args: string[], until: RegExp): { pid: number; seen: Promise<void>; exit: Promise<{ code: number | null; stderr: string; stdout: string }> } {
  const child = spawn(process.execPath, [join(repoRoot, "bin/lora-studio.js"), "train", ...args], { cwd: repoRoot, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  let seenResolve: () => void;
  const seen = new Promise<void>((r) => (seenResolve = r));
  child.stderr!.on("data", (d) => {
    stderr += d;
    if (until.test(stderr)) seenResolve();
  });
  child.stdout!.on("data", (d) => (stdout += d));
  const exit = new Promise<{ code: number | null; stderr: string; stdout: string }>((r) => child.on("exit", (code) => r({ code, stderr, stdout })));
  return { pid: child.pid!, seen, exit };
}

describe("Ctrl-C during `lora-studio train`", () => {
  it("checkpoints the step it stopped at, and --resume continues from there", async () => {
    const out = join(dir, "run");
    const run = startTrain(["--out", out, ...TRAIN], /step 6\/120/);
    await Promise.race([run.seen, run.exit]);
    process.kill(-run.pid, "SIGINT"); // the whole group, as the terminal does
    const ended = await run.exit;
    expect(ended.stderr).toMatch(/stopped by SIGINT \(Ctrl-C\) at step \d+, after saving a checkpoint; continue with `lora-studio train --resume /);
    expect(ended.code).not.toBe(0);

    const record = JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as RunRecord;
    expect(record.status).toBe("interrupted");
    expect(record.error).toMatchObject({ code: "Stopped", resumable: true });
    expect(record.attempts).toHaveLength(1);
    expect(record.attempts[0]).toMatchObject({ status: "interrupted", cause: "stopped by SIGINT (Ctrl-C)" });
    const events = metricsEventsOf(readFileSync(join(out, "metrics.jsonl"), "utf8"));
    const lastStep = Math.max(...events.filter((e) => e.type === "step").map((e) => e.step));
    expect(lastStep).toBeGreaterThanOrEqual(6);
    expect(lastStep).toBeLessThan(120);
    // The checkpoint is of the last step done: nothing since the (never reached) interval checkpoint is lost.
    expect(readdirSync(join(out, "checkpoints")).filter((n) => n.startsWith("step-"))).toEqual([`step-${String(lastStep).padStart(7, "0")}`]);
    expect(existsSync(join(out, ".lock"))).toBe(false);

    const resumed = await runCli(["train", "--resume", out, "--json"]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`resuming at step ${lastStep}`);
    const final = JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as RunRecord;
    expect(final.status).toBe("finished");
    expect(final.attempts.map((a) => [a.status, a.fromStep])).toEqual([["interrupted", null], ["finished", lastStep]]);
    const steps = metricsEventsOf(readFileSync(join(out, "metrics.jsonl"), "utf8")).filter((e) => e.type === "step").map((e) => e.step);
    expect(steps).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  }, 240_000);

  it("a second writer into a training run folder gets one line naming the folder and the process", async () => {
    const out = join(dir, "busy");
    const first = startTrain(["--out", out, ...TRAIN], /step 2\/120/);
    await Promise.race([first.seen, first.exit]);
    const second = await runCli(["train", "--out", out, ...TRAIN, "--json"]);
    const resume = await runCli(["train", "--resume", out, "--json"]);
    process.kill(-first.pid, "SIGINT");
    const ended = await first.exit;
    expect(ended.stderr).toMatch(/stopped by SIGINT/);
    for (const r of [second, resume]) {
      expect(r.code).not.toBe(0);
      expect(JSON.parse(r.stdout).error.code).toBe("RunFolderBusy");
      const lines = r.stderr.trim().split("\n");
      expect(lines.at(-1)).toMatch(new RegExp(`${out.replace(/[/\\^$.*+?()[\]{}|]/g, "\\$&")} is being trained by another process \\(pid ${first.pid}, since `));
    }
    // Only the first run's worker wrote: one "started" event in its metrics.
    const events = metricsEventsOf(readFileSync(join(out, "metrics.jsonl"), "utf8"));
    expect(events.filter((e) => e.type === "started")).toHaveLength(1);
  }, 240_000);

  it("a worker killed from outside: --json gives the code WorkerKilled, the attempt its cause, and no 'out of memory'", async () => {
    const out = join(dir, "killed");
    const run = startTrain(["--out", out, ...TRAIN, "--json"], /step 3\/120/);
    await Promise.race([run.seen, run.exit]);
    const worker = childrenOf(run.pid).filter((p) => readFileSync(`/proc/${p}/cmdline`, "utf8").includes("trainWorker"));
    expect(worker).toHaveLength(1);
    process.kill(worker[0]!, "SIGKILL");
    const ended = await run.exit;
    expect(ended.code).toBe(1);
    const { error } = JSON.parse(ended.stdout.trim().split("\n").at(-1)!);
    expect(error.code).toBe("WorkerKilled");
    expect(error.message).not.toMatch(/memory/);
    expect(error.message).toContain(`no checkpoint was saved yet, so \`lora-studio train --resume ${out}\` starts it again from the beginning`);
    const record = JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as RunRecord;
    expect(record.attempts[0]).toMatchObject({ status: "interrupted", cause: expect.stringContaining("SIGKILL") });
    expect(record.error).toMatchObject({ code: "WorkerKilled", resumable: false });
  }, 240_000);
});
