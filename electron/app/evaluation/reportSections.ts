import { basename } from "node:path";
import { parityFileLabel } from "./exportParityRecord";
import { lowerIsBetter, metricLabel } from "./metricTable";
import type { ReportInput } from "./ReportInput";
import { reportLocalTime } from "./reportLocalTime";

export interface ReportTable {
  head: string[];
  rows: string[][];
}

/** One section of the report: paragraphs, tables, and (for the loss curves) the chart. */
export interface ReportSection {
  title: string;
  paragraphs: string[];
  tables: ReportTable[];
  chart?: "loss";
  /** Paragraphs to stress (warnings). */
  warnings?: string[];
}

const fmt = (v: number | null | undefined, digits = 3) => (v === null || v === undefined || !Number.isFinite(v) ? "–" : Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(digits));
const clip = (s: string, n = 240) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * The report's content, once, for both renderers (HTML and PDF): configuration, data card, loss curves, every
 * metric base versus tuned, memorization and personal data, the worst examples, golden questions, the blind review
 * and the sign-off.
 */
export function reportSections(input: ReportInput): ReportSection[] {
  const { record, dataset, evaluation: ev } = input;
  const cfg = record.job.config;
  const time = (iso: string | null | undefined) => reportLocalTime(iso, input.timeZone);
  const sections: ReportSection[] = [];
  sections.push({
    title: "Configuration",
    paragraphs: [],
    tables: [{
      head: ["Setting", "Value"],
      rows: [
        ["Run folder", input.runDir],
        ["Status", `${record.status}${record.result ? ` (${record.result.reason}, ${record.result.step} steps, ${fmt(record.result.trainingSeconds, 0)} s)` : ""}`],
        ["Trained", `${time(record.attempts[0]?.startedAt ?? record.createdAt)} to ${time(record.attempts.at(-1)?.endedAt ?? record.updatedAt)}`],
        ["Base model", `${record.baseModel.path} (${record.baseModel.architecture}, ${record.baseModel.parameters.toLocaleString("en")} parameters)`],
        ["Base model sha256", record.baseModel.sha256],
        ["Adapter", ev ? `${ev.adapter.path} (sha256 ${ev.adapter.sha256})` : (record.result?.adapterPath ?? "–")],
        ["LoRA", `rank ${cfg.lora.rank}, alpha ${cfg.lora.alpha}, dropout ${cfg.lora.dropout}, targets ${cfg.lora.targets.join(", ")}${cfg.lora.rslora ? ", rsLoRA" : ""}`],
        ["Training", `lr ${cfg.lr} (${cfg.schedule}), batch ${cfg.batchSize} × accumulation ${cfg.gradAccum}, sequence length ${cfg.seqLen}, max steps ${cfg.maxSteps || "–"}, epochs ${cfg.epochs}, seed ${cfg.seed}`],
        ["Best validation loss", record.result?.bestValLoss != null ? `${fmt(record.result.bestValLoss)} at step ${record.result.bestStep}` : "–"],
      ],
    }],
  });
  const counts = dataset?.counts;
  sections.push({
    title: "Data card",
    paragraphs: [
      `Prepared training data sha256: ${record.data.sha256}.`,
      counts
        ? `${counts.examples} examples: ${counts.train} for training, ${counts.validation} held out for validation, ${counts.excluded} excluded, ${counts.truncated} truncated to ${dataset!.seqLen} tokens (${counts.trainTokens} training tokens).`
        : `${record.data.trainExamples} training and ${record.data.validationExamples} validation examples.`,
      dataset?.drafted ? draftedLine(dataset.drafted) : "",
      dataset ? `Chat template: ${dataset.model.chatTemplate}. Redactions: ${Object.entries(dataset.redaction.counts).map(([k, n]) => `${k} ${n}`).join(", ") || "none"}${Object.keys(dataset.redaction.choices).length ? ` (choices: ${Object.entries(dataset.redaction.choices).map(([k, m]) => `${k} → ${m}`).join(", ")})` : ""}.` : "",
    ].filter(Boolean),
    tables: [
      input.sourceFiles?.length
        ? // The files as the user gave them (the prepared files the run read are the app's own copies).
          { head: ["File", "Examples", "sha256"], rows: input.sourceFiles.map((f) => [f.name, f.examples === null ? "–" : String(f.examples), f.sha256 ?? "–"]) }
        : { head: ["File", "Type", "Examples", "sha256"], rows: (dataset?.files ?? record.data.files.map((f) => ({ file: f.path, fileType: "", examples: NaN, sha256: f.sha256 }))).map((f) => [basename(f.file), f.fileType, Number.isFinite(f.examples) ? String(f.examples) : "–", f.sha256 ?? "–"]) },
    ],
  });
  sections.push({ title: "Loss curves", paragraphs: input.losses.length ? [`${input.losses.length} steps recorded in metrics.jsonl.`] : [], tables: [], chart: "loss" });
  if (!ev) {
    sections.push({ title: "Evaluation", paragraphs: ["This run has not been evaluated yet: run `lora-studio eval --run DIR` to measure it."], tables: [] });
  } else {
    sections.push({
      title: "Metrics: base versus tuned",
      paragraphs: [
        `Measured on llama.cpp with and without the adapter, greedy decoding, at most ${ev.settings.maxTokens} answer tokens; task metrics on ${ev.task.examples.length} ${ev.task.source} examples (means of per-example scores: SQuAD exact match and token F1, ROUGE-L F-measure (Lin 2004), BLEU-4 with Chen & Cherry smoothing 1). Evaluated ${time(ev.createdAt)} in ${fmt(ev.seconds, 1)} s.`,
      ],
      tables: [{
        head: ["Metric", "Base", "Tuned", "Change", "Better"],
        rows: Object.entries(ev.metrics).map(([k, m]) => {
          const change = m.base !== null && m.tuned !== null ? m.tuned - m.base : null;
          const better = change === null || change === 0 ? "=" : (change < 0) === lowerIsBetter(k) ? "tuned" : "base";
          return [metricLabel(k), fmt(m.base), fmt(m.tuned), change === null ? "–" : `${change > 0 ? "+" : ""}${fmt(change)}`, better];
        }),
      }],
      warnings: ev.warnings.map((w) => w.en),
    });
    sections.push({
      title: "Generalization and forgetting",
      paragraphs: [`Perplexity on the bundled general-text sample; a rise of more than ${(ev.settings.forgettingMargin * 100).toFixed(0)}% is flagged.`],
      tables: [{ head: ["Language", "Tokens", "Base", "Tuned", "Change"], rows: ev.general.map((g) => [g.language, String(g.tokens), fmt(g.base), fmt(g.tuned), `${(g.change * 100).toFixed(1)}%`]) }],
    });
    const mem = ev.memorization;
    sections.push({
      title: "Memorization and personal data",
      paragraphs: [
        `${mem.probes.length} probes from training-example prefixes (the prompt and the first ${ev.settings.prefixTokens} answer tokens at most); a probe is verbatim when the next N = ${ev.settings.continuationTokens} greedy tokens (fewer where the example ends) equal the training continuation. Verbatim: base ${mem.verbatimBase}, tuned ${mem.verbatimTuned}.`,
        mem.personalDataReproduced.length
          ? `Personal data from the training data reproduced by the tuned model: ${mem.personalDataReproduced.length}.`
          : `No personal-data value from the training data (${mem.trainingSpans} found there) was reproduced by the tuned model.`,
      ],
      tables: mem.personalDataReproduced.length ? [{ head: ["Kind", "Value", "Origin", "Where"], rows: mem.personalDataReproduced.map((h) => [h.kind, h.span, h.origin, clip(h.example, 120)]) }] : [],
    });
    const e = ev.efficiency;
    sections.push({
      title: "Efficiency",
      paragraphs: [`Answers timed: base ${e.base.answers}, tuned ${e.tuned.answers}. Memory is the process's resident set while each side answered (the tuned side runs second and includes the adapter).`],
      tables: [],
    });
    if (ev.worst.length) {
      sections.push({
        title: "Worst examples (by tuned F1)",
        paragraphs: [],
        tables: [{ head: ["Question", "Reference", "Base", "Tuned", "F1 tuned"], rows: ev.worst.map((w) => [clip(w.question), clip(w.reference), clip(w.base.text), clip(w.tuned.text), fmt(w.tuned.f1)]) }],
      });
    }
    if (ev.golden.length) {
      sections.push({
        title: "Golden questions",
        paragraphs: [`${ev.golden.length} questions written by the project's experts, answered by both models.`],
        tables: [{ head: ["Question", "Reference", "Base", "Tuned", "F1 base / tuned"], rows: ev.golden.map((g) => [clip(g.question), clip(g.reference ?? "–"), clip(g.base), clip(g.tuned), g.f1 ? `${fmt(g.f1.base)} / ${fmt(g.f1.tuned)}` : "–"]) }],
      });
    }
  }
  sections.push(exportCheckSection(input, time));
  const b = input.blind;
  sections.push({
    title: "Blind review",
    paragraphs: b && b.rated
      ? [`${b.rated} pairs rated blind (which side was tuned was hidden and random per pair): tuned preferred ${b.tunedWins}, base preferred ${b.baseWins}, ties ${b.ties}. Tuned win rate among decided pairs: ${b.winRate === null ? "–" : `${(b.winRate * 100).toFixed(0)}%`}${b.interval ? ` (Wilson 95% interval ${(b.interval[0] * 100).toFixed(0)}%–${(b.interval[1] * 100).toFixed(0)}%)` : ""}.`]
      : ["No blind review has been rated for this run."],
    tables: input.ratedPairs.length ? [{ head: ["Question", "Preferred", "Comment"], rows: input.ratedPairs.map((p) => [clip(p.question), p.choice === "tie" ? "tie" : p.choice === p.tunedSide ? "tuned" : "base", p.comment ?? ""]) }] : [],
  });
  sections.push({
    title: "Sign-off",
    paragraphs: input.signOff ? [`Signed off by ${input.signOff.name} on ${time(input.signOff.date)}.`, ...(input.signOff.comment ? [`Comment: ${input.signOff.comment}`] : [])] : ["Not signed off yet."],
    tables: [],
  });
  return sections;
}

/**
 * The export check: llama.cpp with each exported GGUF file against the trainer's own model on held-out tokens
 * (measured at export, kept in DIR/export-parity.json), per file with pass or warn against its kind's bound.
 */
function exportCheckSection(input: ReportInput, time: (iso: string) => string): ReportSection {
  const title = "Export check: llama.cpp against the trained model";
  if (input.exportParity.length === 0) {
    return { title, paragraphs: ["Not measured: this run has not been exported yet (the check runs when the files are exported)."], tables: [] };
  }
  const entries = [...input.exportParity].sort((a, b) => a.measuredAt.localeCompare(b.measuredAt) || a.path.localeCompare(b.path));
  const warned = entries.filter((e) => e.parity && !e.parity.pass);
  return {
    title,
    paragraphs: [
      "Each exported GGUF file was run in llama.cpp on held-out tokens and compared with the trainer's own model: the largest and the mean absolute difference in log-probability per token (in nats), against the bound for its kind of file. A broken or wrong file is off by whole nats.",
    ],
    warnings: warned.map((e) => `${parityFileLabel(e.path)} differs from the trained model by up to ${e.parity!.maxAbsLogprobDiff.toExponential(2)} nats, above its bound of ${e.parity!.bound}: check the file before handing it over.`),
    tables: [{
      head: ["File", "Kind", "Max |delta log-prob|", "Mean |delta log-prob|", "Tokens", "Bound", "Result", "Checked"],
      rows: entries.map((e) =>
        e.parity
          ? [parityFileLabel(e.path), e.role, e.parity.maxAbsLogprobDiff.toExponential(2), e.parity.meanAbsLogprobDiff.toExponential(2), String(e.parity.tokens), String(e.parity.bound), e.parity.pass ? "pass" : "warn", time(e.measuredAt)]
          : [parityFileLabel(e.path), e.role, "–", "–", "–", "–", `not measured${e.reason ? `: ${e.reason}` : ""}`, time(e.measuredAt)],
      ),
    }],
  };
}

/** The data card's line on question-answer pairs a model drafted from documents (issue 15). */
function draftedLine(d: NonNullable<NonNullable<ReportInput["dataset"]>["drafted"]>): string {
  const models = d.models.map((m) => `${m.name} (sha256 ${m.sha256})`).join(", ");
  const review = d.unreviewed ? `${d.examples - d.unreviewed} reviewed by a person, ${d.unreviewed} not reviewed` : "each reviewed by a person";
  return `${d.examples} examples are question-answer pairs drafted from documents by ${models} (${review}).`;
}
