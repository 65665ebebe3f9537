import { resolve } from "node:path";
import { UsageError, type Command, type CommandArgs } from "../Command";
import { optionalChoice, optionalInt, optionalString, requireString } from "../args";
import { inspectData } from "../../app/data/inspectData";
import { prepareDataset, type DatasetRecord } from "../../app/data/prepareDataset";
import { PII_KINDS, type PiiKind } from "../../app/data/findPii";
import type { RedactionChoices, RedactionMode } from "../../app/data/redactPii";
import type { QualityReport } from "../../app/data/qualityReport";
import type { ColumnMapping } from "../../app/data/types";
import { formatLocation } from "../../app/data/types";
import { DraftModelError } from "../../app/drafting/Drafter";
import { DEFAULT_DRAFT_LIMITS, type DraftLimits } from "../../app/drafting/draftPrompt";
import { draftToFile, type DraftToFileResult } from "../../app/drafting/draftToFile";

const SUBCOMMANDS = ["inspect", "prepare", "draft"] as const;
const LANGS = ["en", "zh"] as const;

type DataResult =
  | { subcommand: "inspect"; report: QualityReport; lang: "en" | "zh" }
  | { subcommand: "prepare"; dataset: DatasetRecord; out: string; lang: "en" | "zh" }
  | { subcommand: "draft"; drafting: DraftToFileResult; lang: "en" | "zh" };

export const dataCommand: Command<DataResult> = {
  name: "data",
  summary: "inspect training data (quality and personal-data report), prepare it for training, or draft question-answer pairs from documents",
  usage: [
    "lora-studio data inspect FILE... [--model FILE.gguf] [--seq-len N] [--columns question=COL,answer=COL] [--lang en|zh] [--json]",
    "lora-studio data prepare FILE... --model FILE.gguf --out DIR [--seq-len N] [--seed N] [--redact KIND=placeholder|pseudonym ...] [--include-unreviewed] [--json]",
    "lora-studio data draft DOCUMENT... --model FILE.gguf --out DRAFTS.jsonl [--pairs N] [--threads N] [--passage-tokens N] [--answer-chars N] [--context N] [--lang en|zh] [--json]",
    "  draft: a local instruct model drafts N question-answer pairs (default 3) per passage of each PDF, DOCX, TXT or MD",
    "  document, one JSON object per pair with its source span, checks and model, status \"pending\"; rerun on the same",
    "  --out to resume. prepare (and train --data) import accepted and edited drafts only; --include-unreviewed adds",
    "  the pending ones (rejected ones never).",
    `  KIND: ${PII_KINDS.join(", ")}, or all`,
  ].join("\n"),
  options: {
    model: { type: "string" },
    "seq-len": { type: "string" },
    out: { type: "string" },
    redact: { type: "string", multiple: true },
    seed: { type: "string" },
    columns: { type: "string" },
    lang: { type: "string" },
    pairs: { type: "string" },
    threads: { type: "string" },
    "passage-tokens": { type: "string" },
    "answer-chars": { type: "string" },
    context: { type: "string" },
    "include-unreviewed": { type: "boolean" },
  },
  allowPositionals: true,
  async run(args, io) {
    const [sub, ...files] = args.positionals;
    if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`give a subcommand: ${SUBCOMMANDS.slice(0, -1).join(", ")} or ${SUBCOMMANDS.at(-1)}${sub ? `, got "${sub}"` : ""}`);
    if (files.length === 0) throw new UsageError("give at least one data file");
    const paths = files.map((f) => resolve(f));
    const seqLen = optionalInt(args, "seq-len", 16, 131072);
    const lang = optionalChoice(args, "lang", LANGS) ?? "en";
    const columns = parseColumns(optionalString(args, "columns"));
    const modelArg = optionalString(args, "model");
    let lastLog = "";
    const onProgress = (p: { phase: string; file?: string; done: number; total?: number }) => {
      const line = `${p.phase}${p.file ? ` ${p.file}` : ""}: ${p.done}${p.total ? `/${p.total}` : ""}`;
      if (line !== lastLog) io.log((lastLog = line));
    };
    const includeUnreviewed = args.values["include-unreviewed"] === true;
    if (sub === "draft") return { subcommand: "draft", drafting: await draft(args, paths, lang, io.log), lang };
    if (sub === "inspect") {
      const inspection = await inspectData(paths, { modelPath: modelArg && resolve(modelArg), seqLen, columns, onProgress, includeUnreviewed });
      await inspection.formatter?.dispose();
      return { subcommand: "inspect", report: inspection.report, lang };
    }
    const model = resolve(requireString(args, "model"));
    const out = resolve(requireString(args, "out"));
    const seed = optionalInt(args, "seed", 0, 2 ** 31);
    const dataset = await prepareDataset(paths, { modelPath: model, outDir: out, seqLen, columns, redact: parseRedact(args), ...(seed !== undefined ? { split: { seed } } : {}), onProgress, includeUnreviewed });
    return { subcommand: "prepare", dataset, out, lang };
  },
  format(result) {
    if (result.subcommand === "inspect") return formatReport(result.report, result.lang);
    if (result.subcommand === "draft") return formatDrafting(result.drafting, result.lang);
    const d = result.dataset;
    const redacted = Object.entries(d.redaction.counts).map(([k, n]) => `${k} ${n}`).join(", ");
    return [
      formatReport(d.report, result.lang),
      "",
      `Wrote ${result.out}/train.jsonl (${d.counts.train} examples, ${d.counts.trainTokens} tokens), validation.jsonl (${d.counts.validation}, ${d.counts.validationTokens} tokens) and dataset.json.`,
      `Chat template: ${d.model.chatTemplate}; sequence length ${d.seqLen}; ${d.counts.truncated} truncated; ${d.counts.excluded} left out (listed in dataset.json).`,
      ...(redacted ? [`Redacted: ${redacted}.`] : []),
    ].join("\n");
  },
};

async function draft(args: CommandArgs, paths: string[], lang: "en" | "zh", log: (line: string) => void): Promise<DraftToFileResult> {
  const model = resolve(requireString(args, "model"));
  const out = resolve(requireString(args, "out"));
  const pairs = optionalInt(args, "pairs", 1, 10) ?? 3;
  const threads = optionalInt(args, "threads", 1, 1024);
  const passageTokens = optionalInt(args, "passage-tokens", 32, 8192);
  const answerChars = optionalInt(args, "answer-chars", 16, 4000);
  const contextSize = optionalInt(args, "context", 256, 131072);
  const limits: DraftLimits = answerChars
    ? { questionChars: Math.min(DEFAULT_DRAFT_LIMITS.questionChars, answerChars), answerChars, evidenceItems: DEFAULT_DRAFT_LIMITS.evidenceItems, evidenceChars: Math.min(DEFAULT_DRAFT_LIMITS.evidenceChars, answerChars) }
    : DEFAULT_DRAFT_LIMITS;
  try {
    return await draftToFile({
      files: paths,
      modelPath: model,
      out,
      pairs,
      limits,
      ...(threads ? { threads } : {}),
      ...(passageTokens ? { passageTokens } : {}),
      ...(contextSize ? { contextSize } : {}),
      onProgress: (p) => log(`${lang === "zh" ? "已起草段落" : "drafted passage"} ${p.done}/${p.total} (${p.file})${p.secondsLeft !== null ? `, ${lang === "zh" ? "剩余约" : "about"} ${p.secondsLeft} s${lang === "zh" ? "" : " left"}` : ""}`),
    });
  } catch (error) {
    // The model cannot draft at all: its message (naming the file) in the chosen language.
    if (error instanceof DraftModelError) throw Object.assign(new Error(error.localized[lang]), { name: error.name });
    throw error;
  }
}

function formatDrafting(r: DraftToFileResult, lang: "en" | "zh"): string {
  const zh = lang === "zh";
  const lines = [
    zh
      ? `已将 ${r.passages.done}/${r.passages.total} 段的 ${r.drafts.total} 组问答写入 ${r.out}（本次新起草 ${r.drafts.thisRun} 组${r.passages.resumed ? `，续接了此前完成的 ${r.passages.resumed} 段` : ""}），其中 ${r.drafts.passedChecks} 组通过全部检查。起草模型：${r.model.name}（sha256 ${r.model.sha256.slice(0, 12)}…）。`
      : `Wrote ${r.drafts.total} drafted pairs from ${r.passages.done}/${r.passages.total} passages to ${r.out} (${r.drafts.thisRun} drafted in this run${r.passages.resumed ? `, ${r.passages.resumed} passages resumed from before` : ""}); ${r.drafts.passedChecks} pass every check. Drafted by ${r.model.name} (sha256 ${r.model.sha256.slice(0, 12)}…).`,
    zh
      ? "所有问答均为待审（pending）：请审阅，将要保留的设为 \"status\": \"accepted\"（或在 LoRA Studio 中审阅），再用 lora-studio data prepare 或 train --data 使用该文件。"
      : 'Every pair is pending: review them (set "status": "accepted" on the pairs to keep, or review them in LoRA Studio), then give the file to lora-studio data prepare or train --data.',
  ];
  if (r.problems.length) lines.push("", zh ? `问题（${r.problems.length}）：` : `Problems (${r.problems.length}):`);
  for (const p of r.problems) lines.push(`  - ${p.message[lang]}`);
  return lines.join("\n");
}

function parseRedact(args: CommandArgs): RedactionChoices {
  const raw = args.values.redact;
  const list = Array.isArray(raw) ? (raw as string[]) : typeof raw === "string" ? [raw] : [];
  const choices: RedactionChoices = {};
  for (const item of list) {
    const m = /^([a-z_]+)=(placeholder|pseudonym)$/.exec(item);
    if (!m || (m[1] !== "all" && !(PII_KINDS as readonly string[]).includes(m[1]!))) {
      throw new UsageError(`--redact takes KIND=placeholder|pseudonym with KIND one of ${PII_KINDS.join(", ")}, all; got "${item}"`);
    }
    const kinds = m[1] === "all" ? PII_KINDS : [m[1] as PiiKind];
    for (const k of kinds) choices[k] = m[2] as RedactionMode;
  }
  return choices;
}

function parseColumns(value: string | undefined): Record<string, ColumnMapping> | undefined {
  if (!value) return undefined;
  const mapping: ColumnMapping = {};
  for (const part of value.split(",")) {
    const [field, column] = part.split("=");
    if (!column || !["question", "answer", "system", "context"].includes(field!.trim())) {
      throw new UsageError(`--columns takes FIELD=COLUMN pairs with FIELD one of question, answer, system, context; got "${part}"`);
    }
    mapping[field!.trim() as keyof ColumnMapping] = column.trim();
  }
  return { "*": mapping };
}

function formatReport(r: QualityReport, lang: "en" | "zh"): string {
  const zh = lang === "zh";
  const lines: string[] = [];
  for (const f of r.files) {
    const formats = Object.entries(f.formats).map(([k, n]) => `${k} ${n}`).join(", ") || "-";
    lines.push(`${f.file} (${f.fileType}): ${f.examples} ${zh ? "条样例" : "examples"} [${formats}]${f.errors ? `, ${f.errors} ${zh ? "个错误" : "errors"}` : ""}${f.warnings ? `, ${f.warnings} ${zh ? "个警告" : "warnings"}` : ""}`);
  }
  lines.push(zh ? `共 ${r.totals.examples} 条（对话 ${r.totals.chats}，文档片段 ${r.totals.documents}）` : `Total: ${r.totals.examples} examples (${r.totals.chats} chats, ${r.totals.documents} document chunks)`);
  if (r.tokens) {
    const t = r.tokens;
    lines.push(`${zh ? "词元长度" : "Tokens"} (${t.counter === "model" ? (zh ? "模型分词器" : "model tokenizer") : zh ? "估算" : "estimated"}): mean ${t.mean}, p95 ${t.p95}, max ${t.max}, seq-len ${t.seqLen}`);
    lines.push("  " + t.histogram.filter((h) => h.count).map((h) => `${h.upTo === null ? ">" + 8192 : "<=" + h.upTo}: ${h.count}`).join("  "));
  }
  if (r.findings.length === 0) lines.push(zh ? "未发现问题。" : "No problems found.");
  for (const f of r.findings) {
    lines.push("", `[${f.severity}] ${zh ? f.message.zh : f.message.en}`);
    for (const s of f.samples) lines.push(`    - ${formatLocation(s.location)}${s.note && !s.note.startsWith(s.location.file) ? `: ${s.note}` : ""}`);
    if (f.fix) lines.push(`    ${zh ? "建议" : "Fix"}: ${zh ? f.fix.zh : f.fix.en}`);
  }
  return lines.join("\n");
}
