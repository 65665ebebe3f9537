import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { basename, dirname, extname, resolve } from "node:path";
import type { DraftModelRef, DraftProblem } from "../../contract/dto";
import { summarizeModel } from "../../engine/gguf/inspectModel";
import { sha256File } from "../../engine/util/sha256File";
import { QuestionIndex } from "./checkDraft";
import { Drafter } from "./Drafter";
import { draftPassage } from "./draftPassage";
import { DEFAULT_DRAFT_LIMITS, type DraftLimits } from "./draftPrompt";
import { draftLine, type DraftLine } from "./draftsFile";
import { readDocument, splitPassages, type Passage } from "./readPassages";

export interface DraftToFileOptions {
  files: string[];
  modelPath: string;
  /** The drafts JSONL file; `<out>.progress` beside it records the passages done. */
  out: string;
  pairs: number;
  threads?: number;
  limits?: DraftLimits;
  passageTokens?: number;
  contextSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number; secondsLeft: number | null; file: string }) => void;
}

export interface DraftToFileResult {
  out: string;
  model: DraftModelRef;
  passages: { total: number; done: number; resumed: number };
  drafts: { total: number; thisRun: number; passedChecks: number };
  problems: DraftProblem[];
}

/** The drafts file cannot be resumed (other inputs) or the model cannot draft; the message says what to do. */
export class DraftFileError extends Error {
  override name = "DraftFileError";
}

interface ProgressHeader {
  version: 1;
  model: DraftModelRef;
  pairs: number;
  files: { name: string; sha256: string }[];
  limits: DraftLimits;
  passageTokens: number;
  passages: number;
}
interface ProgressEntry {
  passage: number;
  /** Size of the drafts file once this passage's lines were written. */
  bytes: number;
  drafts: number;
  ms: number;
  problems: DraftProblem[];
}

/**
 * `lora-studio data draft`: drafts the documents' passages into a drafts JSONL file, passage by passage, appending each
 * passage's lines and then its entry in `<out>.progress`. Rerun on the same --out after a kill, it cuts the file back to
 * the last passage recorded as done (dropping a passage written in part) and drafts only the passages not done: no
 * passage is drafted twice and none is lost.
 */
export async function draftToFile(options: DraftToFileOptions): Promise<DraftToFileResult> {
  const out = resolve(options.out);
  const progressPath = `${out}.progress`;
  const limits = options.limits ?? DEFAULT_DRAFT_LIMITS;
  const summary = await summarizeModel(options.modelPath).catch(() => null);
  const model: DraftModelRef = { name: summary?.name ?? basename(options.modelPath), sha256: "" };
  const drafter = await Drafter.open(options.modelPath, {
    pairs: options.pairs,
    limits,
    ...(options.threads ? { threads: options.threads } : {}),
    ...(options.passageTokens ? { passageTokens: options.passageTokens } : {}),
    ...(options.contextSize ? { contextSize: options.contextSize } : {}),
  });
  try {
    model.sha256 = await sha256File(options.modelPath);
    const problems: DraftProblem[] = [];
    const passages: Passage[] = [];
    const names = uniqueNames(options.files);
    const files: ProgressHeader["files"] = [];
    for (let i = 0; i < options.files.length; i++) {
      const path = options.files[i]!;
      const doc = await readDocument(path, names[i]!, options.signal);
      problems.push(...doc.problems);
      files.push({ name: names[i]!, sha256: existsSync(path) ? await sha256File(path) : "" });
      passages.push(...splitPassages(doc, names[i]!, drafter.passageTokens, drafter.countTokens));
    }
    const header: ProgressHeader = { version: 1, model, pairs: options.pairs, files, limits, passageTokens: drafter.passageTokens, passages: passages.length };
    mkdirSync(dirname(out), { recursive: true });
    const done = resumeFrom(out, progressPath, header);
    const questions = new QuestionIndex(done.questions);
    for (const e of done.entries) problems.push(...e.problems);
    let draftsTotal = done.entries.reduce((a, e) => a + e.drafts, 0);
    let passed = done.passed;
    let thisRun = 0;
    let ms = done.entries.reduce((a, e) => a + e.ms, 0);
    const doneSet = new Set(done.entries.map((e) => e.passage));
    const fd = openSync(out, "a");
    try {
      for (let seq = 0; seq < passages.length; seq++) {
        if (doneSet.has(seq)) continue;
        options.signal?.throwIfAborted();
        const p = passages[seq]!;
        const result = await draftPassage(drafter, p, questions, options.signal);
        if (result.aborted) options.signal?.throwIfAborted();
        const lines = result.drafts.map((d) =>
          draftLine({
            question: d.question,
            answer: d.answer,
            source: { file: p.file, ...(p.page !== null ? { page: p.page } : {}), start: p.start, end: p.end, evidence: d.evidence },
            checks: d.checks,
            model,
            status: "pending",
            passage: seq,
          } satisfies DraftLine),
        );
        if (lines.length) writeSync(fd, lines.join("\n") + "\n");
        const entry: ProgressEntry = { passage: seq, bytes: fstatSync(fd).size, drafts: lines.length, ms: Math.round(result.ms), problems: result.problems };
        writeFileSync(progressPath, JSON.stringify(entry) + "\n", { flag: "a" });
        doneSet.add(seq);
        problems.push(...result.problems);
        draftsTotal += lines.length;
        thisRun += lines.length;
        passed += result.drafts.filter((d) => d.checks.passed).length;
        ms += result.ms;
        const left = passages.length - doneSet.size;
        options.onProgress?.({ done: doneSet.size, total: passages.length, secondsLeft: Math.round(((ms / doneSet.size) * left) / 1000), file: p.file });
      }
    } finally {
      closeSync(fd);
    }
    return { out, model, passages: { total: passages.length, done: doneSet.size, resumed: done.entries.length }, drafts: { total: draftsTotal, thisRun, passedChecks: passed }, problems };
  } finally {
    await drafter.dispose();
  }
}

/**
 * What an earlier run on the same --out finished: the progress entries up to the last whole one, the drafts file cut
 * back to their size, the questions already drafted (for the duplicate check). A new run writes the header.
 */
function resumeFrom(out: string, progressPath: string, header: ProgressHeader): { entries: ProgressEntry[]; questions: string[]; passed: number } {
  if (!existsSync(progressPath)) {
    if (existsSync(out) && readFileSync(out).length > 0) {
      throw new DraftFileError(`${out} already exists and has no ${basename(progressPath)} beside it, so it cannot be resumed; give a new --out, or delete ${out} to draft again`);
    }
    writeFileSync(out, "");
    writeFileSync(progressPath, JSON.stringify(header) + "\n");
    return { entries: [], questions: [], passed: 0 };
  }
  const lines = readFileSync(progressPath, "utf8").split("\n");
  let previous: ProgressHeader;
  try {
    previous = JSON.parse(lines[0]!) as ProgressHeader;
  } catch {
    throw new DraftFileError(`${progressPath} is damaged (its first line is not JSON); delete it and ${out} to draft again`);
  }
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const mismatch = !same(previous.model, header.model) ? "another model" : previous.pairs !== header.pairs ? `${previous.pairs} pairs per passage` : !same(previous.files, header.files) ? "other documents" : !same(previous.limits, header.limits) || previous.passageTokens !== header.passageTokens || previous.passages !== header.passages ? "other passage settings" : null;
  if (mismatch) throw new DraftFileError(`${out} was drafted with ${mismatch} (see ${basename(progressPath)}); rerun with the same documents, model and options to resume it, or give a new --out`);
  const entries: ProgressEntry[] = [];
  for (const line of lines.slice(1)) {
    if (!line.trim()) break;
    try {
      entries.push(JSON.parse(line) as ProgressEntry);
    } catch {
      break; // a line cut by the kill: that passage was not done
    }
  }
  // Drop what a killed run wrote after its last whole entry: of the drafts file, and of the progress file.
  const bytes = entries.at(-1)?.bytes ?? 0;
  if (!existsSync(out)) throw new DraftFileError(`${out} is gone but ${basename(progressPath)} is there; delete ${progressPath} to draft again`);
  truncateSync(out, bytes);
  truncateSync(progressPath, Buffer.byteLength(lines.slice(0, entries.length + 1).join("\n")) + 1);
  const questions: string[] = [];
  let passed = 0;
  for (const l of readFileSync(out, "utf8").split("\n")) {
    if (!l.trim()) continue;
    const d = JSON.parse(l) as DraftLine;
    questions.push(d.question);
    if (d.checks?.passed) passed++;
  }
  return { entries, questions, passed };
}

function uniqueNames(paths: string[]): string[] {
  const taken = new Set<string>();
  return paths.map((p) => {
    const name = basename(p);
    let candidate = name;
    for (let i = 2; taken.has(candidate); i++) candidate = `${basename(name, extname(name))}-${i}${extname(name)}`;
    taken.add(candidate);
    return candidate;
  });
}
