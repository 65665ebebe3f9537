/**
 * Resume after a kill on webgpu (forced: SwiftShader here, correctness never speed): `lora-studio train` on webgpu is
 * SIGKILLed after a checkpoint; `train --resume` continues from that checkpoint on webgpu, and its losses at the next
 * steps match an uninterrupted run of the same settings.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { metricsEventsOf } from "../../electron/app/store/readMetricsEvents";
import type { RunRecord } from "../../electron/app/training/RunRecord";
import { SWIFTSHADER_ICD, swiftShaderEnv, useSwiftShader } from "../native-deps/swiftShader";
import { repoRoot } from "../helpers/paths";
import { runCli } from "../helpers/runCli";
import { tinyTrainingFixture } from "../helpers/tinyTrainingFixture";
import { childrenOf } from "../helpers/childProcesses";

const skip = useSwiftShader();
if (skip) console.info(`webgpu resume test skipped: ${skip}`);
const { dir, model, data } = tinyTrainingFixture("cli-webgpu-resume-", 12);
const STEPS = 4;
// Tiny on purpose: SwiftShader runs every shader on the CPU.
const TRAIN = ["--model", model, "--data", data, "--defaults", "--max-steps", String(STEPS), "--checkpoint-every", "2", "--eval-every", "1000", "--batch", "1", "--accum", "1", "--seq-len", "96", "--rank", "4", "--val-split", "0", "--no-store"];
const env = (): NodeJS.ProcessEnv => ({ ...process.env, ...(skip ? {} : swiftShaderEnv()), LORA_STUDIO_BACKEND: "webgpu" });

/** Loss of each step, the last attempt's where a step ran twice. */
function lossesOf(out: string): Map<number, number> {
  const losses = new Map<number, number>();
  for (const e of metricsEventsOf(readFileSync(join(out, "metrics.jsonl"), "utf8"))) if (e.type === "step") losses.set(e.step, e.loss);
  return losses;
}

describe.skipIf(skip)("a run on webgpu killed after a checkpoint", () => {
  it("resumes on webgpu from the checkpoint, with the uninterrupted run's losses", async () => {
    const whole = join(dir, "whole");
    const uninterrupted = await runCli(["train", "--out", whole, ...TRAIN], env());
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
    expect(uninterrupted.stderr).toMatch(new RegExp(`for ${STEPS} steps on webgpu`));
    const expected = lossesOf(whole);
    expect([...expected.keys()]).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));

    const out = join(dir, "killed");
    const child = spawn(process.execPath, [join(repoRoot, "bin/lora-studio.js"), "train", "--out", out, ...TRAIN], { cwd: repoRoot, env: env(), stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    await new Promise<void>((resolve) => {
      child.stderr!.on("data", (d) => {
        stderr += d;
        if (new RegExp(`step 3/${STEPS}`).test(stderr)) resolve();
      });
      void exit.then(() => resolve());
    });
    const worker = childrenOf(child.pid!).filter((p) => readFileSync(`/proc/${p}/cmdline`, "utf8").includes("trainWorker"));
    expect(worker, stderr).toHaveLength(1);
    process.kill(worker[0]!, "SIGKILL");
    expect(await exit).not.toBe(0);
    const killed = JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as RunRecord;
    expect(killed.status).toBe("interrupted");
    expect(killed.attempts[0]).toMatchObject({ status: "interrupted", cause: expect.stringContaining("SIGKILL") });
    const checkpoints = readdirSync(join(out, "checkpoints")).filter((n) => n.startsWith("step-"));
    const from = Math.max(...checkpoints.map((n) => Number(n.slice(5))));
    expect(from).toBeGreaterThanOrEqual(2);
    expect(from).toBeLessThan(STEPS);

    const resumed = await runCli(["train", "--resume", out], env());
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`on webgpu, resuming at step ${from}`);
    const final = JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as RunRecord;
    expect(final.status).toBe("finished");
    expect(final.attempts.map((a) => [a.status, a.fromStep])).toEqual([["interrupted", null], ["finished", from]]);
    const started = metricsEventsOf(readFileSync(join(out, "metrics.jsonl"), "utf8")).filter((e) => e.type === "started");
    expect(started.map((e) => e.type === "started" && e.backend)).toEqual(["webgpu", "webgpu"]);
    const losses = lossesOf(out);
    const rows: string[] = [];
    for (let step = from + 1; step <= STEPS; step++) {
      const diff = Math.abs(losses.get(step)! - expected.get(step)!);
      rows.push(`step ${step}: resumed ${losses.get(step)} vs uninterrupted ${expected.get(step)} (${diff.toExponential(1)})`);
      expect(diff, rows.at(-1)).toBeLessThanOrEqual(1e-5);
    }
    console.info(`webgpu (${SWIFTSHADER_ICD}) resume from step ${from}:\n${rows.join("\n")}`);
  }, 900_000);
});
