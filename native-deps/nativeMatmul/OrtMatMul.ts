import { createRequire } from "node:module";
import { matMulModelBytes, type MatMulPattern } from "./matMulModelBytes";

/** The synchronous parts of onnxruntime-node's native binding (1.30) that this module uses. */
interface OrtBinding {
  InferenceSession: new () => NativeSession;
}
interface NativeSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, unknown>, fetches: Record<string, unknown>, options: object): Record<string, unknown>;
  dispose(): void;
}
type TensorCtor = new (type: "float32", data: Float32Array, dims: readonly number[]) => unknown;

export interface OrtMatMulOptions {
  /** MLAS threads (the caller's thread included). */
  threads: number;
  /** Whether MLAS's pool threads spin between products (faster hand-offs; burns a core that llama.cpp may want). */
  spin?: boolean;
}

/**
 * MLAS's GEMM (onnxruntime-node, an optional dependency) as a synchronous call: out = op(a) x op(b) with batch
 * dims broadcast. onnxruntime-node's public InferenceSession.run is async only because it defers the native call
 * with setImmediate; the native binding's own run is synchronous, which a tfjs kernel needs.
 * Operands are Float32Arrays that JavaScript allocated (here: views of the wasm heap, which V8 allocates inside
 * Electron's memory cage); the output is preallocated, so the binding creates no buffer of its own.
 */
export class OrtMatMul {
  private readonly sessions = new Map<string, NativeSession>();
  /** Products run, their wall seconds and floating-point operations since load (benchmarks read them). */
  readonly stats = { calls: 0, seconds: 0, flops: 0 };

  private constructor(
    private readonly binding: OrtBinding,
    private readonly Tensor: TensorCtor,
    readonly options: Required<OrtMatMulOptions>,
    readonly version: string,
  ) {}

  /** Loads onnxruntime-node; throws naming why (absent, no binary for this platform, a load error). */
  static load(options: OrtMatMulOptions): OrtMatMul {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new Error(`OrtMatMul threads must be an integer >= 1, got ${options.threads}`);
    const require = createRequire(import.meta.url);
    let mod: { binding: OrtBinding; initOrt(): void };
    let common: { Tensor: TensorCtor };
    let version = "unknown";
    try {
      mod = require("onnxruntime-node/dist/binding.js") as typeof mod;
      common = require("onnxruntime-common") as typeof common;
      version = (require("onnxruntime-node/package.json") as { version: string }).version;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "MODULE_NOT_FOUND") throw new Error("onnxruntime-node is not installed (an optional dependency): training uses the wasm matmul");
      throw new Error(`onnxruntime-node could not load on ${process.platform}-${process.arch}: ${(error as Error).message.split("\n")[0]}`);
    }
    mod.initOrt();
    const ort = new OrtMatMul(mod.binding, common.Tensor, { threads: options.threads, spin: options.spin ?? false }, version);
    // A first product proves the binary runs here (a missing CPU feature or a broken binary fails now, not mid-step).
    const out = new Float32Array(4);
    ort.run({ rankA: 2, rankB: 2, transposeA: false, transposeB: false }, new Float32Array([1, 2, 3, 4]), [2, 2], new Float32Array([1, 0, 0, 1]), [2, 2], out, [2, 2]);
    if (out.join() !== "1,2,3,4") throw new Error(`onnxruntime-node's MatMul gave ${out.join()} for [[1,2],[3,4]] x I`);
    return ort;
  }

  /** out[outShape] = op(a[aShape]) x op(b[bShape]); every array is written or read in place. */
  run(p: MatMulPattern, a: Float32Array, aShape: readonly number[], b: Float32Array, bShape: readonly number[], out: Float32Array, outShape: readonly number[]): void {
    const T = this.Tensor;
    const start = performance.now();
    this.session(p).run({ a: new T("float32", a, aShape), b: new T("float32", b, bShape) }, { out: new T("float32", out, outShape) }, {});
    this.stats.seconds += (performance.now() - start) / 1000;
    this.stats.calls++;
    const k = p.transposeA ? aShape[aShape.length - 2]! : aShape[aShape.length - 1]!;
    this.stats.flops += 2 * out.length * k;
  }

  dispose(): void {
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
  }

  private session(p: MatMulPattern): NativeSession {
    const key = `${p.rankA},${p.rankB},${+p.transposeA},${+p.transposeB}`;
    let s = this.sessions.get(key);
    if (!s) {
      s = new this.binding.InferenceSession();
      const bytes = matMulModelBytes(p);
      s.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, {
        intraOpNumThreads: this.options.threads,
        interOpNumThreads: 1,
        executionMode: "sequential",
        graphOptimizationLevel: "disabled",
        enableCpuMemArena: false,
        extra: { session: { intra_op: { allow_spinning: this.options.spin ? "1" : "0" } } },
      });
      this.sessions.set(key, s);
    }
    return s;
  }
}
