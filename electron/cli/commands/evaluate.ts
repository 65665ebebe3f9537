import { type Command } from "../Command";
import { optionalInt, optionalNumber, optionalString, requireString } from "../args";
import type { EvalReport } from "../../app/evaluation/EvalReport";
import { evaluateRunFolder } from "../../app/evaluation/evaluateRunFolder";
import { metricLabel } from "../../app/evaluation/metricTable";
import { parseGoldenFile } from "../../app/evaluation/parseGoldenFile";
import { writeEvaluation } from "../../app/evaluation/writeReport";

export type EvalCommandResult = EvalReport & { evalPath: string; reportPath: string };

export const evalCommand: Command<EvalCommandResult> = {
  name: "eval",
  summary: "measure a trained run, base versus tuned: held-out loss, task metrics, forgetting, memorization, speed; writes eval.json and report.html",
  usage: [
    "lora-studio eval --run DIR [--golden FILE.csv|.jsonl] [--max-examples N] [--max-tokens N] [--probes N] [--forgetting-margin F] [--threads N] [--json]",
    "",
    "  --golden FILE          the experts' questions (question and optional reference columns), answered by both models",
    "  --forgetting-margin F  warn when general-text perplexity rises by more than F (default 0.1 = 10%)",
  ].join("\n"),
  options: {
    run: { type: "string" },
    golden: { type: "string" },
    "max-examples": { type: "string" },
    "max-tokens": { type: "string" },
    probes: { type: "string" },
    "forgetting-margin": { type: "string" },
    threads: { type: "string" },
  },
  async run(args, io) {
    const runDir = requireString(args, "run");
    const goldenPath = optionalString(args, "golden");
    const golden = goldenPath ? await parseGoldenFile(goldenPath) : [];
    const maxExamples = optionalInt(args, "max-examples", 1, 10_000);
    const maxTokens = optionalInt(args, "max-tokens", 1, 4096);
    const probes = optionalInt(args, "probes", 0, 10_000);
    const margin = optionalNumber(args, "forgetting-margin", 0, 10);
    const threads = optionalInt(args, "threads", 0, 256);
    let lastPhase = "";
    const report = await evaluateRunFolder(runDir, {
      golden,
      settings: {
        ...(maxExamples !== undefined ? { maxExamples } : {}),
        ...(maxTokens !== undefined ? { maxTokens } : {}),
        ...(probes !== undefined ? { memorizationProbes: probes } : {}),
        ...(margin !== undefined ? { forgettingMargin: margin } : {}),
        ...(threads !== undefined ? { threads } : {}),
      },
      onProgress: (p) => {
        const phase = `${p.phase}${p.side ? ` (${p.side})` : ""}`;
        if (phase !== lastPhase) io.log(`${phase}...`);
        lastPhase = phase;
      },
    });
    const paths = await writeEvaluation(runDir, report);
    return { ...report, ...paths };
  },
  format: (r) => {
    const f = (v: number | null) => (v === null || !Number.isFinite(v) ? "–" : v.toFixed(3));
    const lines = [`${"metric".padEnd(34)} ${"base".padStart(10)} ${"tuned".padStart(10)}`];
    for (const [k, m] of Object.entries(r.metrics)) lines.push(`${metricLabel(k).padEnd(34)} ${f(m.base).padStart(10)} ${f(m.tuned).padStart(10)}`);
    lines.push(`memorization: ${r.memorization.verbatimTuned}/${r.memorization.probes.length} probes verbatim (tuned), ${r.memorization.personalDataReproduced.length} personal-data values reproduced`);
    for (const w of r.warnings) lines.push(`warning: ${w.en}`);
    lines.push(`wrote ${r.evalPath} and ${r.reportPath}`);
    return lines.join("\n");
  },
};
