import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GgufError } from "../../../electron/engine/gguf/errors";
import { openGgufBytes } from "../../../electron/engine/gguf/GgufFile";
import { randomBytes, seededRandom } from "../../helpers/ggufBlocks";
import { llama2TinyFixture, requireFixture } from "../../helpers/paths";

// Garbage must give a GgufError (or parse), never a RangeError, a crash, a huge allocation or a hang.
const fixture = new Uint8Array(readFileSync(requireFixture(llama2TinyFixture)));
const DATA_OFFSET = 724416;
const TENSOR_INFOS = 689; // bytes of tensor infos just before the data (from node-llama-cpp's reader)

type Outcome = "parsed" | string;

async function tryParse(bytes: Uint8Array, label: string): Promise<Outcome> {
  const started = performance.now();
  try {
    const f = await openGgufBytes(bytes, label);
    try {
      for (const t of f.tensors) {
        try {
          await f.readTensorF32(t.name);
        } catch (e) {
          if (!(e instanceof GgufError)) throw e;
        }
      }
    } finally {
      await f.close();
    }
    return "parsed";
  } catch (e) {
    if (!(e instanceof GgufError)) throw new Error(`${label}: threw ${String(e)} instead of a GgufError`, { cause: e });
    if (!e.message.includes(label)) throw new Error(`${label}: message does not name the file: ${e.message}`);
    return e.name;
  } finally {
    const ms = performance.now() - started;
    if (ms > 2000) throw new Error(`${label}: took ${ms.toFixed(0)} ms`);
  }
}

function mutate(rand: () => number, from: number, to: number, flips: number): Uint8Array {
  const b = Uint8Array.from(fixture);
  for (let i = 0; i < flips; i++) {
    const at = from + Math.floor(rand() * (to - from));
    // Mix small changes (a count off by a bit) with wholly random bytes.
    b[at] = rand() < 0.5 ? b[at]! ^ (1 << Math.floor(rand() * 8)) : Math.floor(rand() * 256);
  }
  return b;
}

describe("the reader on damaged and random input", () => {
  it("the fixture cut at 200 lengths always fails with a GgufError naming the file", async () => {
    const rand = seededRandom(1);
    const lengths = [...Array.from({ length: 80 }, (_, i) => i), ...Array.from({ length: 120 }, () => Math.floor(rand() * fixture.length))];
    const outcomes = new Map<Outcome, number>();
    for (const len of lengths) {
      const o = await tryParse(fixture.subarray(0, len), `cut-at-${len}.gguf`);
      outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
    }
    expect(outcomes.get("parsed")).toBeUndefined();
    expect(outcomes.get("TruncatedGgufError")).toBeGreaterThan(150);
  });

  it("300 random mutations of the header, metadata and tensor infos give a GgufError or a parse", async () => {
    const rand = seededRandom(2);
    const outcomes = new Map<Outcome, number>();
    const regions: [number, number, number][] = [
      [0, 24, 100], // magic, version, counts
      [24, 4096, 80], // first keys, types and lengths
      [0, DATA_OFFSET, 60], // anywhere in the metadata, vocabulary included
      [DATA_OFFSET - TENSOR_INFOS, DATA_OFFSET, 60], // tensor infos
    ];
    for (const [from, to, count] of regions) {
      for (let i = 0; i < count; i++) {
        const flips = 1 + Math.floor(rand() * 4);
        const o = await tryParse(mutate(rand, from, to, flips), `mutated-${from}-${i}.gguf`);
        outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
      }
    }
    // Both kinds of outcome occur: the test really exercises the error paths and the parse path.
    expect(outcomes.get("parsed")).toBeGreaterThan(0);
    expect([...outcomes.keys()].filter((k) => k !== "parsed").length).toBeGreaterThan(2);
  });

  it("200 random buffers, half of them starting with a valid GGUF v3 header", async () => {
    const rand = seededRandom(3);
    for (let i = 0; i < 200; i++) {
      const b = randomBytes(rand, Math.floor(rand() * 3000));
      if (i % 2 === 0 && b.length >= 8) b.set([0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0], 0);
      // Small counts now and then so parsing gets past the header into random keys and tensor infos.
      if (i % 4 === 0 && b.length >= 24) b.set([1 + (i % 3), 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0], 8);
      await tryParse(b, `random-${i}.gguf`);
    }
  });
});
