/**
 * Each checkpoint is verified on resume (a manifest with sizes and sha256, written after the data files): a damaged
 * newest one is passed over for the newest whole one, and says so; when none is whole, the error names the files.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasCheckpoint, loadLatestCheckpoint, saveCheckpoint, type CheckpointContent } from "../../../electron/engine/training/checkpointStore";

const dir = mkdtempSync(join(tmpdir(), "checkpoint-verify-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function content(step: number): CheckpointContent<{ step: number }, { lr: number }> {
  const values = Float32Array.from({ length: 12 }, (_, i) => step + i / 10);
  return {
    state: { step },
    config: { lr: 1e-3 },
    adapter: { "blk.0.attn_q.lora_a": { shape: [3, 4], values } },
    best: null,
    optimizer: { step, moments: { "blk.0.attn_q.lora_a": { m: values.map((v) => v * 2), v: values.map((v) => v * 3) } } },
  };
}

async function twoCheckpoints(name: string): Promise<string> {
  const ckpt = join(dir, name);
  await saveCheckpoint(ckpt, 10, content(10));
  await saveCheckpoint(ckpt, 20, content(20));
  return ckpt;
}

describe("checkpoint verification on resume", () => {
  it("reads the newest whole checkpoint and its manifest", async () => {
    const ckpt = await twoCheckpoints("whole");
    expect(hasCheckpoint(ckpt)).toBe(true);
    expect(hasCheckpoint(join(dir, "none"))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(ckpt, "step-0000020", "manifest.json"), "utf8"));
    expect(manifest.files["tensors.bin"].bytes).toBe(3 * 12 * 4);
    const latest = await loadLatestCheckpoint(ckpt);
    expect(latest).toMatchObject({ step: 20, skipped: [] });
    expect(Array.from(latest!.adapter["blk.0.attn_q.lora_a"]!.values)[0]).toBeCloseTo(20);
  });

  it("falls back to the previous checkpoint when the newest tensors.bin has a flipped byte, and says which", async () => {
    const ckpt = await twoCheckpoints("flipped");
    const bin = join(ckpt, "step-0000020", "tensors.bin");
    const bytes = readFileSync(bin);
    bytes[7] ^= 0xff; // same size, different content: only the checksum sees it
    writeFileSync(bin, bytes);
    const latest = await loadLatestCheckpoint(ckpt);
    expect(latest!.step).toBe(10);
    expect(latest!.skipped).toEqual([{ path: join(ckpt, "step-0000020"), step: 20, reason: `${bin} is damaged: its sha256 differs from the one written with it` }]);
  });

  it("falls back when the newest is cut short, and names checkpoint.json with what to do when every one is damaged", async () => {
    const ckpt = await twoCheckpoints("cut");
    appendFileSync(join(ckpt, "step-0000020", "tensors.bin"), "xx");
    expect((await loadLatestCheckpoint(ckpt))!.skipped[0]!.reason).toMatch(/tensors\.bin is damaged: \d+ bytes instead of \d+/);
    // A damaged checkpoint.json (and no manifest, as in checkpoints written before manifests): the file is named.
    for (const step of ["0000010", "0000020"]) {
      rmSync(join(ckpt, `step-${step}`, "manifest.json"));
      const meta = join(ckpt, `step-${step}`, "checkpoint.json");
      writeFileSync(meta, readFileSync(meta, "utf8").slice(0, 30));
    }
    await expect(loadLatestCheckpoint(ckpt)).rejects.toThrow(
      new RegExp(`^no whole checkpoint in ${ckpt}: ${join(ckpt, "step-0000020", "checkpoint.json")} is damaged \\(.*JSON.*\\); ${join(ckpt, "step-0000010", "checkpoint.json")} is damaged .*; to start the run again from the beginning, delete the folder ${ckpt} and resume$`),
    );
  });

  it("reads checkpoints written before manifests existed", async () => {
    const ckpt = await twoCheckpoints("legacy");
    rmSync(join(ckpt, "step-0000020", "manifest.json"));
    expect((await loadLatestCheckpoint(ckpt))!.step).toBe(20);
  });
});
