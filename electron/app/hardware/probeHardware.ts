import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, hostname, totalmem } from "node:os";
import { dirname } from "node:path";
import si from "systeminformation";
import { z } from "zod";
import { probeLlamaCpp, probeMachine } from "../../../native-deps/doctor";
import { initTfjs, TFJS_BACKENDS, type TfjsBackendName } from "../../../native-deps/tfjsBackend";

const GpuKindSchema = z.union([z.enum(["cuda", "metal", "vulkan"]), z.literal(false)]);

/** What does not change between probes on one machine: cached in memory and in a file. */
const StaticHardwareSchema = z.object({
  key: z.string(),
  os: z.string(),
  cpu: z.object({ model: z.string(), physicalCores: z.number(), logicalCores: z.number() }),
  gpus: z.array(z.object({ vendor: z.string(), model: z.string(), vramMb: z.number().nullable() })),
  llamaCpp: z.object({
    ok: z.boolean(),
    gpu: GpuKindSchema,
    devices: z.array(z.string()),
    vramTotalMb: z.number().nullable(),
    vramFreeMb: z.number().nullable(),
    error: z.string().optional(),
  }),
  tfjs: z.object({
    chosen: z.enum(TFJS_BACKENDS as [TfjsBackendName, ...TfjsBackendName[]]).nullable(),
    backends: z.array(z.object({ name: z.string(), ok: z.boolean(), reason: z.string() })),
    /** The WebGPU adapter Dawn offered, chosen or not (its name and buffer limits); absent where there is none. */
    adapter: z
      .object({ vendor: z.string(), architecture: z.string(), device: z.string(), description: z.string(), isFallbackAdapter: z.boolean(), maxBufferSize: z.number(), maxStorageBufferBindingSize: z.number() })
      .optional(),
  }),
  probedAt: z.string(),
});
type StaticHardware = z.infer<typeof StaticHardwareSchema>;

export interface HardwareReport extends Omit<StaticHardware, "key"> {
  memory: { totalMb: number; availableMb: number };
  /** Whether the slow parts (GPUs, llama.cpp, tfjs) came from the cache rather than a fresh probe. */
  cached: boolean;
  probeMs: number;
}

/** The probes, injectable so that tests can count calls; the defaults ask the real machine. */
export interface HardwareProbes {
  machine(): Promise<Pick<StaticHardware, "os" | "cpu" | "gpus">>;
  llamaCpp(): Promise<StaticHardware["llamaCpp"]>;
  tfjs(): Promise<StaticHardware["tfjs"]>;
  availableMemory(): Promise<{ totalMb: number; availableMb: number }>;
}

export interface ProbeOptions {
  /** JSON file that keeps the slow parts between processes (e.g. <home>/hardware.json). */
  cacheFile?: string;
  /** Probe everything again (after plugging in a GPU, installing a backend...). */
  refresh?: boolean;
  probes?: Partial<HardwareProbes>;
}

const MB = 2 ** 20;
let memo: StaticHardware | undefined;

/**
 * This machine: CPU, RAM (total and available), OS, GPUs with VRAM (systeminformation), llama.cpp's GPU build and
 * free VRAM (node-llama-cpp), and the tfjs backend that loads. The slow parts are probed once and cached (in this
 * process, and in cacheFile across processes, keyed by host and hardware); available memory is read every call.
 */
export async function probeHardware(options: ProbeOptions = {}): Promise<HardwareReport> {
  const started = performance.now();
  const probes: HardwareProbes = { ...DEFAULT_PROBES, ...options.probes };
  const key = machineKey();
  let cached = true;
  let stat = options.refresh ? undefined : (memo?.key === key ? memo : readCache(options.cacheFile, key));
  if (!stat) {
    cached = false;
    const [machine, llamaCpp, tfjs] = await Promise.all([probes.machine(), probes.llamaCpp(), probes.tfjs()]);
    stat = { key, ...machine, llamaCpp, tfjs, probedAt: new Date().toISOString() };
    if (options.cacheFile) writeCache(options.cacheFile, stat);
  }
  memo = stat;
  const memory = await probes.availableMemory();
  const { key: _key, ...rest } = stat;
  return { ...rest, memory, cached, probeMs: Math.round(performance.now() - started) };
}

/** Forgets the in-process cache (tests). */
export function clearHardwareCache(): void {
  memo = undefined;
}

function machineKey(): string {
  // A forced backend (LORA_STUDIO_BACKEND) changes what tfjs loads, so it is part of the key.
  return [hostname(), process.platform, process.arch, process.version, cpus().length, Math.round(totalmem() / MB), process.env.LORA_STUDIO_BACKEND ?? ""].join("|");
}

function readCache(file: string | undefined, key: string): StaticHardware | undefined {
  if (!file || !existsSync(file)) return undefined;
  try {
    const parsed = StaticHardwareSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success && parsed.data.key === key ? parsed.data : undefined;
  } catch {
    return undefined; // a damaged cache is only a cache: probe again
  }
}

function writeCache(file: string, value: StaticHardware): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(value, null, 2) + "\n");
  } catch {
    // Not writable: the next process probes again, nothing else is lost.
  }
}

const DEFAULT_PROBES: HardwareProbes = {
  async machine() {
    const m = await probeMachine();
    return {
      os: m.os,
      cpu: { model: m.cpu, physicalCores: m.physicalCores, logicalCores: m.logicalCores },
      gpus: m.gpus.map((g) => ({ vendor: g.vendor, model: g.model, vramMb: g.vramMB })),
    };
  },
  async llamaCpp() {
    const r = await probeLlamaCpp();
    return {
      ok: r.ok,
      gpu: r.gpu,
      devices: r.gpuDevices,
      vramTotalMb: r.vram ? Math.round(r.vram.total / MB) : null,
      vramFreeMb: r.vram ? Math.round(r.vram.free / MB) : null,
      ...(r.error ? { error: r.error } : {}),
    };
  },
  async tfjs() {
    try {
      const init = await initTfjs();
      const adapter = init.attempts.find((a) => a.name === "webgpu")?.adapter;
      return { chosen: init.backend, backends: init.attempts.map((a) => ({ name: a.name, ok: a.ok, reason: a.reason })), ...(adapter && { adapter }) };
    } catch (error) {
      return { chosen: null, backends: [{ name: "all", ok: false, reason: (error as Error).message }] };
    }
  },
  async availableMemory() {
    const mem = await si.mem();
    return { totalMb: Math.round(mem.total / MB), availableMb: Math.round(mem.available / MB) };
  },
};
