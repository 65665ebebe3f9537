import { checkRoleOrder } from "./checkRoleOrder";
import { detectLanguage, LANGUAGE_NAMES, type Language } from "./detectLanguage";
import { exampleText, normalizedText } from "./exampleText";
import { findNearDuplicates } from "./findNearDuplicates";
import { fixFor, localize, MESSAGES, type MessageCode, type MessageParams } from "./messages";
import type { Example, FileImportResult, FileProblem, Localized, Severity, SourceRef } from "./types";

/** One finding of the report: what, how often, where (up to five places) and what to do. */
export interface Finding {
  code: string;
  severity: Severity;
  count: number;
  /** Located samples; for problems met while reading the files, every location (up to MAX_LOCATIONS) with its own message. */
  samples: { exampleId?: string; location: SourceRef; note?: string; message?: Localized }[];
  message: Localized;
  fix?: Localized;
}

export interface TokenStats {
  /** Counted with the base model's tokenizer, or estimated (no model chosen). */
  counter: "model" | "estimate";
  seqLen: number;
  histogram: { upTo: number | null; count: number }[];
  mean: number;
  p95: number;
  max: number;
}

export interface QualityReport {
  files: { file: string; fileType: string; formats: FileImportResult["formats"]; examples: number; errors: number; warnings: number }[];
  totals: { files: number; filesUnreadable: number; examples: number; chats: number; documents: number };
  tokens?: TokenStats;
  languages: Partial<Record<Language, number>>;
  findings: Finding[];
  /** Ids of examples that cannot train (empty answer, broken chat): prepare leaves them out and counts them. */
  excluded: string[];
}

export interface QualityOptions {
  seqLen: number;
  /** Token count of each example as it will be trained (rendered with the chat template), by index. */
  tokenCounts?: number[];
  tokenCounter?: "model" | "estimate";
  /** The train/validation split, when one was made, to check that no example is on both sides. */
  split?: { train: Example[]; validation: Example[] };
  /** Personal-data findings (from scanPii), added as they are. */
  extraFindings?: Finding[];
  nearPairs?: { a: number; b: number; similarity: number }[];
}

export const MIN_EXAMPLES = 20;
const MAX_SAMPLES = 5;
/** Locations listed per kind of reading problem (the page shows them a page at a time). */
const MAX_LOCATIONS = 1000;
/** Problems that stop a whole file, whatever location they name. */
const WHOLE_FILE_CODES = new Set(["FILE_NOT_FOUND", "FILE_EMPTY", "FILE_BINARY", "WRONG_TYPE", "UNSUPPORTED_EXTENSION", "ENCRYPTED", "CORRUPT", "JSON_FILE_MALFORMED"]);

function concernsWholeFile(p: FileProblem): boolean {
  const l = p.location;
  return WHOLE_FILE_CODES.has(p.code) || (l.line == null && l.row == null && l.page == null && l.chunk == null);
}
const HISTOGRAM_EDGES = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192];

/** The quality report of imported files: every finding with a severity, a count, located samples and a fix. */
export function qualityReport(files: FileImportResult[], options: QualityOptions): QualityReport {
  const examples = files.flatMap((f) => f.examples);
  const findings: Finding[] = [];
  const excluded = new Set<string>();
  const add = (code: MessageCode, hits: Example[] | { example: Example; note?: string }[], params: MessageParams = {}) => {
    if (hits.length === 0) return;
    const list = hits.map((h) => ("example" in h ? h : { example: h as Example, note: undefined }));
    findings.push({
      code,
      severity: MESSAGES[code].severity,
      count: list.length,
      samples: list.slice(0, MAX_SAMPLES).map(({ example, note }) => ({ exampleId: example.id, location: example.source, ...(note ? { note } : {}) })),
      message: localize(code, { count: list.length, ...params }),
      ...(fixFor(code) ? { fix: fixFor(code) } : {}),
    });
  };

  // Problems met while importing, grouped by kind.
  const byCode = new Map<string, FileProblem[]>();
  for (const p of files.flatMap((f) => f.problems)) byCode.set(p.code, [...(byCode.get(p.code) ?? []), p]);
  for (const [code, list] of byCode) {
    // Note: a file that could not be read at all imported nothing, so its fix must not say "the rest was imported".
    const group = list.every(concernsWholeFile) ? "FILE_PROBLEMS_WHOLE" : "FILE_PROBLEMS";
    findings.push({
      code,
      severity: list[0]!.severity,
      count: list.length,
      samples: list.slice(0, MAX_LOCATIONS).map((p) => ({ location: p.location, note: p.message.en, message: p.message })),
      message: list.length === 1 ? list[0]!.message : localize(group, { count: list.length, first: list[0]!.message.en, firstZh: list[0]!.message.zh }),
      fix: fixFor(group),
    });
  }

  if (examples.length < MIN_EXAMPLES) {
    findings.push({ code: "TOO_FEW_EXAMPLES", severity: "warning", count: examples.length, samples: [], message: localize("TOO_FEW_EXAMPLES", { count: examples.length }), fix: fixFor("TOO_FEW_EXAMPLES") });
  }

  // Empty fields and role order.
  const empty: Record<string, Example[]> = { "assistant answer": [], "user question": [], "system message": [], "document text": [] };
  const roleOrder: { example: Example; note: string }[] = [];
  for (const e of examples) {
    if (e.kind === "document") {
      if (!e.text?.trim()) empty["document text"]!.push(e);
      continue;
    }
    const msgs = e.messages ?? [];
    for (const role of ["assistant", "user", "system"] as const) {
      if (msgs.some((m) => m.role === role && !m.content.trim())) empty[role === "assistant" ? "assistant answer" : role === "user" ? "user question" : "system message"]!.push(e);
    }
    const wrong = checkRoleOrder(msgs);
    if (wrong) roleOrder.push({ example: e, note: wrong.en });
  }
  const FIELD_ZH: Record<string, string> = { "assistant answer": "助手回答", "user question": "用户问题", "system message": "系统消息", "document text": "文档内容" };
  for (const [field, list] of Object.entries(empty)) {
    add("EMPTY_FIELD", list, { field, fieldZh: FIELD_ZH[field]! });
    if (field !== "system message") for (const e of list) excluded.add(e.id);
  }
  if (roleOrder.length) {
    const kinds = [...new Set(roleOrder.map((r) => r.note))];
    const zh = kinds.map((k) => checkRoleOrderZh[k] ?? k);
    add("ROLE_ORDER", roleOrder, { detail: kinds.join("; "), detailZh: zh.join("；") });
    for (const r of roleOrder) excluded.add(r.example.id);
  }

  // Length under the tokenizer.
  let tokens: TokenStats | undefined;
  const counts = options.tokenCounts;
  if (counts && counts.length === examples.length && counts.length > 0) {
    const sorted = [...counts].sort((a, b) => a - b);
    const histogram = [...HISTOGRAM_EDGES, null].map((upTo, i) => ({
      upTo,
      count: counts.filter((c) => c > (HISTOGRAM_EDGES[i - 1] ?? -1) && (upTo === null || c <= upTo)).length,
    }));
    tokens = {
      counter: options.tokenCounter ?? "estimate",
      seqLen: options.seqLen,
      histogram,
      mean: Math.round((counts.reduce((a, b) => a + b, 0) / counts.length) * 10) / 10,
      p95: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!,
      max: sorted.at(-1)!,
    };
    const long = examples.map((e, i) => ({ example: e, tokens: counts[i]!, cut: counts[i]! - options.seqLen })).filter((x) => x.cut > 0);
    add("TOO_LONG", long.map((x) => ({ example: x.example, note: `${x.tokens} tokens; the last ${x.cut} would be cut` })), {
      seqLen: options.seqLen,
      cutTokens: long.reduce((a, x) => a + x.cut, 0),
      maxCut: long.reduce((a, x) => Math.max(a, x.cut), 0),
    });
  }

  // Duplicates.
  const firstByText = new Map<string, Example>();
  const exact: { example: Example; note: string }[] = [];
  for (const e of examples) {
    const key = normalizedText(e);
    if (!key) continue;
    const first = firstByText.get(key);
    if (first) exact.push({ example: e, note: `same as ${first.id}` });
    else firstByText.set(key, e);
  }
  add("EXACT_DUPLICATE", exact);
  const pairs = options.nearPairs ?? findNearDuplicates(examples);
  const near = pairs
    .filter((p) => normalizedText(examples[p.a]!) !== normalizedText(examples[p.b]!))
    .filter((p) => !(examples[p.a]!.group && examples[p.a]!.group === examples[p.b]!.group)) // overlapping chunks of one document
    .map((p) => ({ example: examples[p.b]!, note: `${Math.round(p.similarity * 100)}% like ${examples[p.a]!.id}` }));
  add("NEAR_DUPLICATE", near, { threshold: 80 });

  if (options.split) add("TRAIN_VALIDATION_OVERLAP", trainValidationOverlap(options.split.train, options.split.validation));

  // Languages.
  const languages: Partial<Record<Language, number>> = {};
  const crossLanguage: Example[] = [];
  for (const e of examples) {
    const lang = detectLanguage(exampleText(e));
    languages[lang] = (languages[lang] ?? 0) + 1;
    if (e.kind === "chat") {
      const q = detectLanguage((e.messages ?? []).filter((m) => m.role === "user").map((m) => m.content).join("\n"));
      const a = detectLanguage((e.messages ?? []).filter((m) => m.role === "assistant").map((m) => m.content).join("\n"));
      if (q !== a && q !== "none" && a !== "none") crossLanguage.push(e);
    }
  }
  const present = (Object.keys(languages) as Language[]).filter((l) => l !== "none" && languages[l]! >= Math.max(1, examples.length * 0.05));
  if (present.length > 1) {
    const samples = present.map((l) => examples.find((e) => detectLanguage(exampleText(e)) === l)!);
    findings.push({
      code: "MIXED_LANGUAGES",
      severity: "info",
      count: present.length,
      samples: samples.map((e) => ({ exampleId: e.id, location: e.source, note: LANGUAGE_NAMES[detectLanguage(exampleText(e))].en })),
      message: localize("MIXED_LANGUAGES", {
        languages: present.map((l) => `${LANGUAGE_NAMES[l].en} ${languages[l]}`).join(", "),
        languagesZh: present.map((l) => `${LANGUAGE_NAMES[l].zh} ${languages[l]}`).join("、"),
      }),
      fix: fixFor("MIXED_LANGUAGES"),
    });
  }
  add("EXAMPLE_MIXED_LANGUAGE", crossLanguage);

  findings.push(...(options.extraFindings ?? []));
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  findings.sort((a, b) => rank[a.severity] - rank[b.severity]);

  return {
    files: files.map((f) => ({
      file: f.file,
      fileType: f.fileType,
      formats: f.formats,
      examples: f.examples.length,
      errors: f.problems.filter((p) => p.severity === "error").length,
      warnings: f.problems.filter((p) => p.severity === "warning").length,
    })),
    totals: {
      files: files.length,
      filesUnreadable: files.filter((f) => f.examples.length === 0 && f.problems.some((p) => p.severity === "error")).length,
      examples: examples.length,
      chats: examples.filter((e) => e.kind === "chat").length,
      documents: examples.filter((e) => e.kind === "document").length,
    },
    ...(tokens ? { tokens } : {}),
    languages,
    findings,
    excluded: [...excluded],
  };
}

/** Validation examples with an exact or near twin in training. */
export function trainValidationOverlap(train: Example[], validation: Example[]): { example: Example; note: string }[] {
  const all = [...train, ...validation];
  const trainKeys = new Map(train.map((e) => [normalizedText(e), e] as const));
  const hits = new Map<string, { example: Example; note: string }>();
  for (const v of validation) {
    const twin = trainKeys.get(normalizedText(v));
    if (twin) hits.set(v.id, { example: v, note: `same as training example ${twin.id}` });
  }
  for (const p of findNearDuplicates(all)) {
    const [a, b] = [all[p.a]!, all[p.b]!];
    const aVal = p.a >= train.length;
    const bVal = p.b >= train.length;
    if (aVal === bVal) continue;
    const [v, t] = aVal ? [a, b] : [b, a];
    if (!hits.has(v.id)) hits.set(v.id, { example: v, note: `${Math.round(p.similarity * 100)}% like training example ${t.id}` });
  }
  return [...hits.values()];
}

const checkRoleOrderZh: Record<string, string> = {
  "a system message after the start": "系统消息不在开头",
  "no user or assistant turn": "没有用户或助手发言",
  "starts with an assistant turn": "以助手发言开头",
  "two user turns in a row": "连续两条用户发言",
  "two assistant turns in a row": "连续两条助手发言",
  "ends without an assistant answer": "结尾没有助手回答",
};
