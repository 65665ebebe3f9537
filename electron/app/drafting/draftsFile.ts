import { DRAFT_STATUSES, PII_KINDS, type DraftChecks, type DraftModelRef, type DraftProvenance, type DraftSource, type DraftStatus } from "../../contract/dto";

/**
 * One line of a drafts JSONL file (`lora-studio data draft --out`, the app's exportAcceptedDrafts): a drafted pair,
 * where it came from, its checks, the model that drafted it and its review status. `drafted` keeps the model's own
 * words when a reviewer edited the pair; `passage` is the passage's index in the drafting run.
 */
export interface DraftLine {
  question: string;
  answer: string;
  drafted?: { question: string; answer: string };
  source: DraftSource;
  checks: DraftChecks;
  model: DraftModelRef;
  status: DraftStatus;
  passage?: number;
}

export function draftLine(line: DraftLine): string {
  return JSON.stringify(line);
}

/** Whether a parsed JSON record is a drafts-file line (rather than a chat or alpaca record). */
export function looksLikeDraftLine(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.question === "string" && typeof v.answer === "string" && isObject(v.source) && isObject(v.model) && "status" in v;
}

/** Reads a drafts-file line, or says what is wrong with it (en + zh). */
export function parseDraftLine(value: Record<string, unknown>): { ok: true; line: DraftLine } | { ok: false; detail: string; detailZh: string } {
  const bad = (detail: string, detailZh: string) => ({ ok: false as const, detail, detailZh });
  const status = value.status;
  if (typeof status !== "string" || !(DRAFT_STATUSES as readonly string[]).includes(status)) {
    return bad(`the draft's status is ${JSON.stringify(status)}; use one of ${DRAFT_STATUSES.join(", ")}`, `草稿的 status 为 ${JSON.stringify(status)}；请使用 ${DRAFT_STATUSES.join("、")} 之一`);
  }
  const source = value.source as Record<string, unknown>;
  if (typeof source.file !== "string" || !Number.isInteger(source.start) || !Number.isInteger(source.end)) {
    return bad("the draft's source needs file, start and end", "草稿的 source 需要 file、start 和 end");
  }
  const model = value.model as Record<string, unknown>;
  if (typeof model.name !== "string" || typeof model.sha256 !== "string") return bad("the draft's model needs name and sha256", "草稿的 model 需要 name 和 sha256");
  const evidence = Array.isArray(source.evidence) ? (source.evidence as { start: number; end: number }[]).filter((e) => Number.isInteger(e?.start) && Number.isInteger(e?.end)) : [];
  const checks = isObject(value.checks) ? (value.checks as Partial<DraftChecks>) : {};
  const line: DraftLine = {
    question: value.question as string,
    answer: value.answer as string,
    source: { file: source.file, ...(Number.isInteger(source.page) ? { page: source.page as number } : {}), start: source.start as number, end: source.end as number, evidence: evidence.map((e) => ({ start: e.start, end: e.end })) },
    checks: {
      supported: checks.supported === true,
      duplicate: checks.duplicate === true,
      length: checks.length === "too-short" || checks.length === "too-long" ? checks.length : "ok",
      language: checks.language === "differs" ? "differs" : "ok",
      personalData: Array.isArray(checks.personalData) ? checks.personalData.filter((k) => (PII_KINDS as readonly string[]).includes(k)) : [],
      passed: checks.passed === true,
    },
    model: { name: model.name, sha256: model.sha256 },
    status: status as DraftStatus,
  };
  if (isObject(value.drafted)) {
    const d = value.drafted as Record<string, unknown>;
    if (typeof d.question === "string" && typeof d.answer === "string") line.drafted = { question: d.question, answer: d.answer };
  }
  if (Number.isInteger(value.passage)) line.passage = value.passage as number;
  return { ok: true, line };
}

/** The provenance an imported draft keeps (a pending one, imported with --include-unreviewed, says so). */
export function provenanceOf(line: DraftLine): DraftProvenance {
  return { source: line.source, model: line.model, review: line.status === "edited" ? "edited" : line.status === "accepted" ? "accepted" : "unreviewed" };
}

function isObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
