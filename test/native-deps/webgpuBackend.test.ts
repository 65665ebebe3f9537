/**
 * The webgpu backend's choice (native-deps/tfjsBackend.ts): a software adapter is refused unless webgpu is
 * forced, the refusal names the adapter and the backend used instead, and forced webgpu computes on
 * SwiftShader (here) with asynchronous reads. No adapter at all: see doctor.test.ts (a process without Vulkan).
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { initTfjs, releaseTfjs } from "../../native-deps/tfjsBackend";
import { softwareAdapterReason } from "../../native-deps/webgpu/softwareAdapterReason";
import { describeAdapter, type WebgpuAdapterSummary } from "../../native-deps/webgpu/WebgpuAdapterSummary";
import { swiftShaderEnv, useSwiftShader } from "./swiftShader";

const adapter = (over: Partial<WebgpuAdapterSummary>): WebgpuAdapterSummary => ({
  vendor: "",
  architecture: "",
  device: "",
  description: "",
  isFallbackAdapter: false,
  maxBufferSize: 2 ** 30,
  maxStorageBufferBindingSize: 2 ** 27,
  ...over,
});

describe("softwareAdapterReason", () => {
  it.each([
    ["SwiftShader", { vendor: "google", architecture: "swiftshader", description: "SwiftShader driver 5.0.0" }],
    ["llvmpipe", { vendor: "mesa", description: "llvmpipe (LLVM 15.0.6, 256 bits)" }],
    ["lavapipe", { vendor: "mesa", device: "lavapipe" }],
    ["Microsoft Basic Render Driver (WARP)", { vendor: "microsoft", description: "Microsoft Basic Render Driver" }],
    ["fallback", { vendor: "acme", description: "Acme GPU", isFallbackAdapter: true }],
  ])("refuses %s", (name, over) => {
    expect(softwareAdapterReason(adapter(over))).toContain(name);
  });

  it.each([
    { vendor: "nvidia", architecture: "ada-lovelace", description: "NVIDIA GeForce RTX 4060 Laptop GPU" },
    { vendor: "apple", architecture: "metal-3", description: "Apple M2" },
    { vendor: "intel", architecture: "gen-12lp", description: "Intel(R) Iris(R) Xe Graphics" },
    { vendor: "amd", architecture: "rdna-3", description: "AMD Radeon 780M" },
  ])("accepts the hardware adapter $description", (over) => {
    expect(softwareAdapterReason(adapter(over))).toBeUndefined();
  });

  it("describes an adapter with its buffer limits", () => {
    expect(describeAdapter(adapter({ vendor: "apple", architecture: "metal-3", description: "Apple M2" }))).toBe(
      "apple metal-3 (Apple M2), buffers up to 1024 MiB, bindings up to 128 MiB",
    );
  });
});

const skip = useSwiftShader();
if (skip) console.info(`webgpu backend tests on SwiftShader skipped: ${skip}`);

afterAll(() => releaseTfjs());

describe.skipIf(skip)("backend choice on SwiftShader", () => {
  it("refuses the software adapter unless forced, naming it and the backend used instead", async () => {
    const init = await initTfjs();
    expect(init.backend).toBe("wasm");
    const webgpu = init.attempts.find((a) => a.name === "webgpu")!;
    expect(webgpu.ok).toBe(false);
    expect(webgpu.reason).toMatch(/^SwiftShader is a software adapter .*never chosen unless forced with LORA_STUDIO_BACKEND=webgpu$/);
    expect(webgpu.adapter).toMatchObject({ vendor: "google", architecture: "swiftshader" });
    expect(webgpu.adapter!.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(init.attempts.map((a) => a.name)).toEqual(["tensorflow-gpu", "webgpu", "tensorflow", "wasm", "cpu"]);
    expect(init.gpuNotice).toMatch(/^WebGPU not used: SwiftShader is a software adapter .*; training on wasm instead$/);
    expect(init.gpuNotice).not.toContain("\n");
    await releaseTfjs();
  });

  it("trains on it when forced: gradients with asynchronous reads, the adapter reported", async () => {
    const init = await initTfjs({ prefer: "webgpu" });
    const { tf } = init;
    expect(init.backend).toBe("webgpu");
    expect(tf.getBackend()).toBe("webgpu");
    expect(init.attempts).toEqual([{ name: "webgpu", ok: true, reason: "forced", adapter: init.adapter }]);
    expect(init.adapter).toMatchObject({ architecture: "swiftshader", isFallbackAdapter: true });
    const [g] = tf.grads((x) => tf.sum(tf.square(tf.matMul(x, tf.tensor2d([[1, 2], [3, 4]])))))([tf.tensor2d([[1, 1]])]);
    // d/dx sum((xW)^2) = 2 (xW) W^T; xW = [4, 6]
    expect(Array.from(await g!.data())).toEqual([2 * (4 * 1 + 6 * 2), 2 * (4 * 3 + 6 * 4)]);
    // A synchronous read is what the engine must never do here: Node has no OffscreenCanvas.
    const onGpu = tf.add(g!, 1);
    expect(() => onGpu.dataSync()).toThrow(/OffscreenCanvas/);
    tf.dispose([g!, onGpu]);
    await releaseTfjs();
    expect(tf.findBackend("webgpu")).toBeNull();
  });

  it("lets a process that computed on it exit without releasing it (Dawn's GPU object is not kept)", async () => {
    const script = `
      const { initTfjs } = await import("./native-deps/tfjsBackend.ts");
      const { tf, backend } = await initTfjs({ prefer: "webgpu" });
      const x = tf.matMul(tf.ones([8, 8]), tf.ones([8, 8]));
      console.log(backend, (await x.data())[0]);
    `;
    const t0 = performance.now();
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: join(__dirname, "..", ".."),
      env: { ...process.env, ...swiftShaderEnv() },
      timeout: 60_000,
    });
    expect(stdout.trim().split("\n").at(-1)).toBe("webgpu 8");
    expect(performance.now() - t0).toBeLessThan(30_000);
  });
});
