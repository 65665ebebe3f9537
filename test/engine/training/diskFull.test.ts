/**
 * A full disk on any write of a run (metrics.jsonl, run.json, the adapters) fails one clean way: a DiskFullError
 * naming the file and the resume command, no temp file left, no torn metrics line. The fault is injected through
 * the run's write functions (the disk is never really filled).
 */
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareTrainingRun } from "../../../electron/app/training/trainRun";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { metricsWriter, runTrainingJob, writeJsonAtomic } from "../../../electron/engine/training/runTrainingJob";
import { TrainConfigSchema } from "../../../electron/engine/training/TrainConfig";
import { TrainerControl } from "../../../electron/engine/training/TrainerControl";
import type { TrainingEvent } from "../../../electron/engine/training/trainingEvents";
import { templatedExamples } from "./templatedData";

const dir = mkdtempSync(join(tmpdir(), "disk-full-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });

describe("a full disk", () => {
  it("on metrics.jsonl: the half-written line is cut off, the error names the file and the resume command", () => {
    const path = join(dir, "metrics.jsonl");
    let writes = 0;
    const write = metricsWriter(path, dir, {
      appendLine(p, line) {
        if (++writes < 3) return appendFileSync(p, line);
        appendFileSync(p, line.slice(0, 10)); // the disk fills mid-line
        throw enospc();
      },
    });
    const step = (n: number) => ({ type: "paused", step: n }) as TrainingEvent;
    write(step(1));
    write(step(2));
    expect(() => write(step(3))).toThrow(`no space left to write ${path} (ENOSPC); free some disk space, then continue with \`lora-studio train --resume ${dir}\``);
    write(step(4)); // nothing more is written after a failure
    const text = readFileSync(path, "utf8");
    expect(text.endsWith("\n")).toBe(true);
    expect(text.trim().split("\n").map((l) => JSON.parse(l).step)).toEqual([1, 2]);
  });

  it("on run.json: the temp file is removed and the old record kept", async () => {
    const path = join(dir, "run.json");
    writeFileSync(path, JSON.stringify({ status: "running" }));
    await expect(
      writeJsonAtomic(path, { status: "finished" }, async (p, text) => {
        writeFileSync(p, text.slice(0, 5));
        throw enospc();
      }),
    ).rejects.toMatchObject({ name: "DiskFull", message: `no space left to write ${path} (ENOSPC); free some disk space, then continue with \`lora-studio train --resume ${dir}\`` });
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ status: "running" });
  });

  describe("during training", () => {
    const model = join(dir, "m.gguf");
    const data = join(dir, "d.jsonl");
    beforeAll(async () => {
      await makeTinyModel({ arch: "llama", preset: "tiny", out: model, seed: 3 });
      writeFileSync(data, templatedExamples(20).map((e) => JSON.stringify(e)).join("\n") + "\n");
    });

    it("stops the job with DiskFull after the last whole metrics line, and the failure still reaches the parent", async () => {
      const config = TrainConfigSchema.parse({ maxSteps: 8, batchSize: 2, gradAccum: 1, seqLen: 96, checkpointEvery: 2, evalEvery: 100, seed: 5, lora: { rank: 4, alpha: 8 } });
      const out = join(dir, "run");
      const record = await prepareTrainingRun({ modelPath: model, dataPaths: [data], outDir: out, config, valSplit: 0 });
      const events: TrainingEvent[] = [];
      let lines = 0;
      const job = runTrainingJob(record.job, new TrainerControl(), (e) => events.push(e), {
        appendLine(p, line) {
          if (++lines <= 5) return appendFileSync(p, line);
          appendFileSync(p, line.slice(0, line.length >> 1));
          throw enospc();
        },
      });
      await expect(job).rejects.toMatchObject({ name: "DiskFull" });
      expect(events.at(-1)).toMatchObject({ type: "failed", error: { code: "DiskFull" }, resumable: true });
      const text = readFileSync(join(out, "metrics.jsonl"), "utf8");
      expect(text.trim().split("\n")).toHaveLength(5);
      for (const line of text.trim().split("\n")) JSON.parse(line);
      expect(existsSync(join(out, "adapter.gguf"))).toBe(false);
    }, 120_000);
  });
});
