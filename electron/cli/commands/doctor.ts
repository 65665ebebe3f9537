import type { Command } from "../Command";
import { runDoctor, type DoctorReport } from "../../../native-deps/doctor";
import { describeAdapter } from "../../../native-deps/webgpu/WebgpuAdapterSummary";

const GB = 1024 ** 3;
const gb = (bytes: number) => `${(bytes / GB).toFixed(1)} GB`;

export const doctorCommand: Command<DoctorReport> = {
  name: "doctor",
  summary: "Check the ML backends and hardware: tfjs backend (WebGPU adapter included), llama.cpp build and GPU, CPU and memory",
  usage: "Usage: lora-studio doctor [--json]",
  options: {},
  run: () => runDoctor(),
  format(r) {
    const lines = [`tfjs ${r.tfjs.version}: ${r.tfjs.backend}${r.tfjs.fastWasmKernels ? " (fast BatchMatMul + Identity kernels)" : ""}`];
    for (const a of r.tfjs.attempts) lines.push(`  ${a.ok ? "+" : "-"} ${a.name.padEnd(15)}${a.reason}`);
    const adapter = r.tfjs.webgpuAdapter;
    if (adapter) lines.push(`WebGPU adapter: ${describeAdapter(adapter)}${adapter.isFallbackAdapter ? ", fallback adapter" : ""}`);
    if (r.tfjs.gpuNotice) lines.push(r.tfjs.gpuNotice);
    if (r.llamaCpp.ok) {
      const vram = r.llamaCpp.vram ? `, VRAM ${gb(r.llamaCpp.vram.free)} free of ${gb(r.llamaCpp.vram.total)}` : "";
      const devices = r.llamaCpp.gpuDevices.length ? ` on ${r.llamaCpp.gpuDevices.join(", ")}` : "";
      lines.push(`llama.cpp: ${r.llamaCpp.gpu || "CPU"} (${r.llamaCpp.buildType ?? "unknown"} build)${devices}${vram}`);
    } else {
      lines.push(`llama.cpp: unavailable: ${r.llamaCpp.error}`);
    }
    const m = r.machine;
    lines.push(`machine: ${m.os}; ${m.cpu}, ${m.physicalCores} cores / ${m.logicalCores} threads; RAM ${gb(m.memoryAvailable)} free of ${gb(m.memoryTotal)}`);
    for (const g of m.gpus) lines.push(`  GPU ${g.vendor} ${g.model}${g.vramMB ? `, ${g.vramMB} MB` : ""}`);
    lines.push(`node ${r.node}`);
    return lines.join("\n");
  },
};
