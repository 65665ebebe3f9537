import { join } from "node:path";
import type { Command } from "../Command";
import { optionalString, requireString } from "../args";
import { resolveHome } from "../../app/store/resolveHome";
import { recommendTrainConfig, type Recommendation } from "../../app/recommend/recommendTrainConfig";

export const recommendCommand: Command<Recommendation> = {
  name: "recommend",
  summary: "propose training settings that fit this machine, with predicted memory and time, and why",
  usage: [
    "lora-studio recommend --model FILE.gguf [--data FILE...] [--no-calibrate] [--zh] [--home DIR] [--json]",
    "",
    "  --data FILE...      size the sequence length, batch and epochs to your examples",
    "  --no-calibrate      skip the few real training steps that measure speed and memory",
    "  --zh                reasons in Chinese (JSON always has both)",
    "  --home DIR          data folder (default LORA_STUDIO_HOME or the app's); the hardware probe is cached there",
  ].join("\n"),
  options: {
    model: { type: "string" },
    data: { type: "string", multiple: true },
    "no-calibrate": { type: "boolean" },
    zh: { type: "boolean" },
    home: { type: "string" },
  },
  allowPositionals: true,
  async run(args, io) {
    const modelPath = requireString(args, "model");
    const dataPaths = [...((args.values.data as string[] | undefined) ?? []), ...args.positionals];
    const home = resolveHome({ ...(optionalString(args, "home") ? { home: optionalString(args, "home")! } : {}) });
    const calibrate = args.values["no-calibrate"] !== true;
    io.log(calibrate ? "probing hardware, reading the data and running a few calibration steps..." : "probing hardware and reading the data...");
    const r = await recommendTrainConfig({ modelPath, dataPaths, calibrate, hardwareCacheFile: join(home, "hardware.json") });
    if (args.values.zh === true) (r as Recommendation & { lang?: string }).lang = "zh";
    return r;
  },
  format(r) {
    const zh = (r as Recommendation & { lang?: string }).lang === "zh";
    const t = (l: { en: string; zh: string }) => (zh ? l.zh : l.en);
    const fields = [
      ["backend", r.backend],
      ["seq-len", r.seqLen],
      ["batch", r.batchSize],
      ["accum", r.gradAccum],
      ["rank", r.rank],
      ["alpha", r.alpha],
      ["targets", { ...r.targets, value: r.targets.value.join(",") }],
      ["lr", r.lr],
      ["epochs", r.epochs],
      ["gradient-checkpointing", r.gradientCheckpointing],
      ["quantized-base", r.quantizedBase],
    ] as const;
    const lines = [`${r.model.architecture}, ${(r.model.parameters / 1e6).toFixed(1)}M parameters; ${r.hardware.cpu}, ${r.hardware.ramAvailableMb} MB RAM available`];
    if (r.data) lines.push(`${r.data.examples} examples, tokens: mean ${r.data.tokens.mean}, 95th percentile ${r.data.tokens.p95}, max ${r.data.tokens.max}`);
    lines.push("");
    for (const [name, c] of fields) lines.push(`  ${name.padEnd(24)}${String(c.value).padEnd(22)}${t(c.reason)}`);
    lines.push("");
    const p = r.predicted;
    lines.push(`predicted peak memory ${p.peakMemoryMb} MB${p.measuredPeakMemoryMb !== null ? ` (calibration measured ${p.measuredPeakMemoryMb} MB)` : ""}; budget ${r.memory.budgetMb} MB`);
    if (p.gpuMemoryMb !== null) lines.push(`predicted GPU memory ${p.gpuMemoryMb} MB${p.measuredGpuMemoryMb !== null ? ` (calibration allocated ${p.measuredGpuMemoryMb} MB)` : ""}${r.memory.gpu?.budgetMb != null ? `; GPU budget ${r.memory.gpu.budgetMb} MB` : ""}`);
    for (const b of r.backendTimings) lines.push(`test step on ${b.backend}: ${b.tokensPerSecond !== null ? `${b.tokensPerSecond} tokens/s` : `failed (${b.error})`}`);
    if (p.tokensPerSecond !== null) lines.push(`speed ${p.tokensPerSecond} tokens/s${p.secondsPerEpoch !== null ? `; about ${fmt(p.secondsPerEpoch)} per epoch, ${fmt(p.secondsTotal!)} in all (${r.totalSteps} steps)` : ""}`);
    for (const a of r.adjustments) lines.push(`adjusted: ${t(a.reason)}`);
    const c = r.config;
    lines.push("", `train it: lora-studio train --model ${r.model.path} --data ... --out DIR --seq-len ${c.seqLen} --batch ${c.batchSize} --accum ${c.gradAccum} --rank ${c.lora.rank} --alpha ${c.lora.alpha} --targets ${c.lora.targets.join(",")} --lr ${c.lr} --epochs ${c.epochs}${c.gradientCheckpointing ? " --gradient-checkpointing" : ""}`);
    return lines.join("\n");
  },
};

function fmt(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
