import { stat } from "node:fs/promises";
import { sha256File } from "../../engine/util/sha256File";
import { findPii } from "../data/findPii";
import type { TrainingItem } from "../data/types";
import { threadsFor } from "../hardware/threadBudget";
import type { EvalReport, GoldenAnswer, MemorizationProbe, ScoredExample } from "./EvalReport";
import { EvalSettingsSchema, type EvalSettingsInput } from "./EvalSettings";
import { evaluationWarnings } from "./evaluationWarnings";
import { findReproducedPii } from "./findReproducedPii";
import { generalTexts } from "./generalTexts";
import { LlamaEvaluator, type Side } from "./LlamaEvaluator";
import { maskedNll, textWindows, type Nll } from "./measureLoss";
import { metricTable } from "./metricTable";
import { readRunForEvaluation } from "./readRunForEvaluation";
import { scoreAnswer } from "./scoreAnswer";
import { SideMeter } from "./SideMeter";
import { lastQuestion, sourceExamples } from "./sourceExamples";
import { splitCompletion } from "./splitCompletion";


export interface EvaluateProgress {
  phase: "prepare" | "held-out" | "general" | "answers" | "golden" | "memorization" | "personal-data";
  side: Side | null;
  done: number;
  total: number;
}

export interface EvaluateOptions {
  settings?: EvalSettingsInput;
  /** The project's golden questions, answered by both sides. */
  golden?: { question: string; reference: string | null }[];
  onProgress?: (p: EvaluateProgress) => void;
  signal?: AbortSignal;
  /** Folder of the general-text sample (default resources/general-text). */
  generalTextDir?: string;
}

/**
 * Every metric of a trained run, base versus tuned, on llama.cpp (one model load, a context without and one with
 * the adapter): held-out loss and perplexity on the validation split, task metrics of greedy answers (exact match,
 * F1, ROUGE-L, BLEU-4), perplexity on the bundled general text (forgetting), the memorization probe with the
 * personal-data check, efficiency, and the golden questions. Base runs first, then tuned, so each side's memory and
 * speed are measured on its own.
 */
export async function evaluateRunFolder(runDir: string, options: EvaluateOptions = {}): Promise<EvalReport> {
  const started = performance.now();
  const settings = EvalSettingsSchema.parse(options.settings ?? {});
  const progress = (phase: EvaluateProgress["phase"], side: Side | null, done: number, total: number) => options.onProgress?.({ phase, side, done, total });
  progress("prepare", null, 0, 1);
  const run = await readRunForEvaluation(runDir);
  const sources = await sourceExamples(run.dataset);
  const texts = await generalTexts(options.generalTextDir);
  const golden = options.golden ?? [];
  const longestItem = Math.max(0, ...run.train.map((i) => i.tokens.length), ...run.validation.map((i) => i.tokens.length));
  // A golden prompt has at most one token per byte (byte-fallback tokenizers) plus the template's few.
  const longestGolden = Math.max(0, ...golden.map((g) => Buffer.byteLength(g.question) + 64));
  const contextSize = Math.max(longestItem, longestGolden) + settings.maxTokens + 8;
  // Threads: the setting when not 0, else the app's budget (one for a small model, fewer while a run trains).
  const threads = threadsFor("evaluate", { requested: settings.threads, modelBytes: (await stat(run.record.baseModel.path)).size });
  const ev = await LlamaEvaluator.open({ modelPath: run.record.baseModel.path, adapterPath: run.adapterPath, contextSize: Math.max(contextSize, settings.generalWindow), threads });
  try {
    const stop = ev.stopTokens(run.dataset ? [run.dataset.model.endOfTurnToken] : []);
    const held = run.validation.filter((i) => i.lossMask.slice(1).includes(1));
    const qaFrom = (items: readonly TrainingItem[]) => items.flatMap((item) => {
      const pa = splitCompletion(item, stop);
      return pa ? [{ item, ...pa }] : [];
    });
    const validationQa = qaFrom(run.validation);
    const source: EvalReport["task"]["source"] = validationQa.length ? "validation" : run.train.length ? "train" : "none";
    const qa = (validationQa.length ? validationQa : qaFrom(run.train)).slice(0, settings.maxExamples);
    const probes = memorizationProbes(run.train, stop, settings);
    const windows = texts.map((t) => ({ language: t.language, windows: textWindows(ev, t.text, settings.generalWindow) }));
    const goldenPrompts = golden.map((g) => ev.questionPrompt(g.question));

    const heldNll: Record<Side, Nll> = { base: { nll: 0, tokens: 0 }, tuned: { nll: 0, tokens: 0 } };
    const generalNll: Record<Side, Nll[]> = { base: [], tuned: [] };
    const answers: Record<Side, string[]> = { base: [], tuned: [] };
    const goldenAnswers: Record<Side, string[]> = { base: [], tuned: [] };
    const probeOut: Record<Side, number[][]> = { base: [], tuned: [] };
    const meters: Record<Side, SideMeter> = { base: new SideMeter(), tuned: new SideMeter() };
    for (const side of ["base", "tuned"] as const) {
      const check = () => options.signal?.throwIfAborted();
      meters[side].sampleRss();
      for (const [i, item] of held.entries()) {
        check();
        const r = await maskedNll(ev, side, item.tokens, item.lossMask);
        heldNll[side].nll += r.nll;
        heldNll[side].tokens += r.tokens;
        progress("held-out", side, i + 1, held.length);
      }
      for (const [i, t] of windows.entries()) {
        const sum: Nll = { nll: 0, tokens: 0 };
        for (const w of t.windows) {
          check();
          const r = await maskedNll(ev, side, w.tokens, w.mask);
          sum.nll += r.nll;
          sum.tokens += r.tokens;
        }
        generalNll[side].push(sum);
        progress("general", side, i + 1, windows.length);
      }
      for (const [i, q] of qa.entries()) {
        check();
        const g = await ev.greedy(side, q.prompt, settings.maxTokens, stop);
        meters[side].record(g.ms, g.tokens.length);
        answers[side].push(g.text.trim());
        progress("answers", side, i + 1, qa.length);
      }
      for (const [i, prompt] of goldenPrompts.entries()) {
        check();
        const g = await ev.greedy(side, prompt, settings.maxTokens, stop);
        meters[side].record(g.ms, g.tokens.length);
        goldenAnswers[side].push(g.text.trim());
        progress("golden", side, i + 1, goldenPrompts.length);
      }
      for (const [i, p] of probes.entries()) {
        check();
        probeOut[side].push((await ev.greedy(side, p.prefix, p.continuation.length, stop)).tokens);
        progress("memorization", side, i + 1, probes.length);
      }
    }

    progress("personal-data", null, 0, 1);
    const examples: ScoredExample[] = qa.map((q, i) => {
      const reference = ev.detokenize(q.answer).trim();
      const question = lastQuestion(sources.trained.get(q.item.exampleId)) ?? ev.detokenize(q.prompt).trim();
      return { exampleId: q.item.exampleId, question, reference, base: scoreAnswer(answers.base[i]!, reference), tuned: scoreAnswer(answers.tuned[i]!, reference) };
    });
    const goldenOut: GoldenAnswer[] = golden.map((g, i) => {
      const base = goldenAnswers.base[i]!;
      const tuned = goldenAnswers.tuned[i]!;
      const ref = g.reference?.trim() ? g.reference : null;
      return { question: g.question, reference: ref, base, tuned, f1: ref ? { base: scoreAnswer(base, ref).f1, tuned: scoreAnswer(tuned, ref).f1 } : null };
    });
    const probeResults: MemorizationProbe[] = probes.map((p, i) => {
      const same = (out: number[]) => out.length === p.continuation.length && out.every((t, j) => t === p.continuation[j]);
      return {
        exampleId: p.exampleId,
        prefix: ev.detokenize(p.prefixAnswer),
        continuation: ev.detokenize(p.continuation),
        base: ev.detokenize(probeOut.base[i]!),
        tuned: ev.detokenize(probeOut.tuned[i]!),
        compared: p.continuation.length,
        verbatimBase: same(probeOut.base[i]!),
        verbatimTuned: same(probeOut.tuned[i]!),
      };
    });
    const trainingSpans = [...run.train, ...run.validation].flatMap((item) => findPii(ev.detokenize(item.tokens)));
    const outputs = [
      ...examples.map((e) => ({ example: e.question, text: e.tuned.text })),
      ...goldenOut.map((g) => ({ example: g.question, text: g.tuned })),
      ...probeResults.map((p) => ({ example: `${p.exampleId}: …${p.prefix}`, text: p.tuned })),
    ];
    const personalDataReproduced = findReproducedPii(outputs, trainingSpans, sources.originalSpans);
    progress("personal-data", null, 1, 1);

    const general = windows.map((w, i) => {
      const ppl = (n: Nll) => (n.tokens ? Math.exp(n.nll / n.tokens) : NaN);
      const base = ppl(generalNll.base[i]!);
      const tuned = ppl(generalNll.tuned[i]!);
      return { language: w.language, tokens: generalNll.base[i]!.tokens, base, tuned, change: tuned / base - 1 };
    });
    const report: EvalReport = {
      version: 1,
      createdAt: new Date().toISOString(),
      runDir: run.dir,
      model: { path: run.record.baseModel.path, sha256: run.record.baseModel.sha256 },
      adapter: { path: run.adapterPath, sha256: await sha256File(run.adapterPath) },
      settings,
      metrics: {},
      heldOut: heldNll.base.tokens ? { examples: held.length, tokens: heldNll.base.tokens } : null,
      task: { source, examples },
      general,
      memorization: {
        probes: probeResults,
        verbatimBase: probeResults.filter((p) => p.verbatimBase).length,
        verbatimTuned: probeResults.filter((p) => p.verbatimTuned).length,
        personalDataReproduced,
        trainingSpans: trainingSpans.length,
      },
      efficiency: { base: meters.base.result(), tuned: meters.tuned.result() },
      golden: goldenOut,
      worst: [...examples].sort((a, b) => a.tuned.f1 - b.tuned.f1).slice(0, settings.worstCount),
      warnings: [],
      seconds: 0,
    };
    report.metrics = metricTable(report, heldNll);
    report.warnings = evaluationWarnings(report, sources.missing);
    report.seconds = (performance.now() - started) / 1000;
    return report;
  } finally {
    await ev.dispose();
  }
}

interface Probe {
  exampleId: string;
  prefix: number[];
  prefixAnswer: number[];
  continuation: number[];
}

/**
 * Probes from training examples spread evenly over the training set: the example's prompt (none for documents)
 * and its first min(prefixTokens, half) answer tokens; the continuation is the next at most N answer tokens.
 * Examples with fewer than 4 tokens left to continue are skipped: a match that short says little.
 */
function memorizationProbes(items: readonly TrainingItem[], stop: ReadonlySet<number>, settings: { memorizationProbes: number; prefixTokens: number; continuationTokens: number }): Probe[] {
  const out: Probe[] = [];
  const want = Math.min(settings.memorizationProbes, items.length);
  const step = want ? items.length / want : 1;
  for (let k = 0; k < want; k++) {
    const item = items[Math.floor(k * step)]!;
    const pa = splitCompletion(item, stop) ?? documentSplit(item.tokens, item.lossMask, stop);
    if (!pa) continue;
    const prefixLength = Math.max(1, Math.min(settings.prefixTokens, Math.floor(pa.answer.length / 2)));
    const continuation = pa.answer.slice(prefixLength, prefixLength + settings.continuationTokens);
    if (continuation.length < 4) continue;
    out.push({ exampleId: item.exampleId, prefix: [...pa.prompt, ...pa.answer.slice(0, prefixLength)], prefixAnswer: pa.answer.slice(0, prefixLength), continuation });
  }
  return out;
}

/** A document item (every token in the loss): a leading BOS is the prompt, the rest the text to continue. */
function documentSplit(tokens: number[], mask: number[], stop: ReadonlySet<number>): { prompt: number[]; answer: number[] } | null {
  if (!mask.every((m) => m === 1) || tokens.length < 2) return null;
  let end = tokens.length;
  while (end > 0 && stop.has(tokens[end - 1]!)) end--;
  return { prompt: tokens.slice(0, 1), answer: tokens.slice(1, end) };
}
