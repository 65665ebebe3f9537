import { describe, expect, it } from "vitest";
import { vocabChunkRows } from "../../../electron/engine/model/VocabSplit";
import { describeVocabSplit } from "./vocabSplitSuite";

describe("vocabChunkRows", () => {
  it("splits only past the binding limit, into chunks that each fit it", () => {
    // Qwen2.5-0.5B's embedding (151,936 x 896 float32 = 545 MB) under a 128 MiB binding limit.
    expect(vocabChunkRows(151_936, 896, 2 ** 30)).toBe(151_936);
    const rows = vocabChunkRows(151_936, 896, 128 * 2 ** 20);
    expect(rows).toBe(37_449);
    expect(rows * 896 * 4).toBeLessThanOrEqual(128 * 2 ** 20);
    expect(Math.ceil(151_936 / rows)).toBe(5);
    expect(vocabChunkRows(29, 16, Infinity)).toBe(29);
  });

  it("names the limit when not even one row fits", () => {
    expect(() => vocabChunkRows(100, 1024, 1000)).toThrow("one row of 1024 floats (4096 bytes) exceeds the GPU's binding limit of 1000 bytes");
  });
});

describeVocabSplit("wasm");
