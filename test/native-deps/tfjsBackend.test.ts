import { describe, expect, it } from "vitest";
import { BackendUnavailableError, initTfjs } from "../../native-deps/tfjsBackend";

describe("initTfjs", () => {
  it("fails clearly when a forced backend is absent, then falls back in order, once per process", async () => {
    const forced = initTfjs({ prefer: "tensorflow-gpu" });
    await expect(forced).rejects.toThrow(BackendUnavailableError);
    await expect(forced).rejects.toThrow(/tensorflow-gpu: not installed \(optional dependency/);

    const first = await initTfjs();
    expect(first.backend).toBe("wasm");
    expect(first.tf.getBackend()).toBe("wasm");
    expect(first.threads).toBeGreaterThanOrEqual(1);
    expect(await initTfjs({ prefer: "cpu" })).toBe(first);

    // Gradients are registered (tfjs-core's Node build has none of its own).
    const [g] = first.tf.grads((x) => first.tf.sum(first.tf.square(x)))([first.tf.tensor([1, 2, 3])]);
    expect(Array.from(g.dataSync())).toEqual([2, 4, 6]);
  });
});
