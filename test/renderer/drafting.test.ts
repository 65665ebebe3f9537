import { describe, expect, it } from "vitest";
import type { DraftChecks, DraftJobView } from "../../electron/contract/dto";
import { checkResults } from "../../renderer/src/drafting/checkResults";
import { documentFiles, isDocumentFile } from "../../renderer/src/drafting/documentFiles";
import { isActive, keptPairs, latestJob, progressPercent, withJob } from "../../renderer/src/drafting/draftJobs";
import { evidenceSegments } from "../../renderer/src/drafting/evidenceSegments";

const joined = (segs: { text: string }[]) => segs.map((s) => s.text).join("");
const marked = (segs: { text: string; mark: boolean }[]) => segs.filter((s) => s.mark).map((s) => s.text);

describe("evidence spans of a drafted answer, highlighted in its passage", () => {
  // The passage is document[100, 100 + length): spans come in the document's offsets.
  const passage = "Wash hands before each patient. Use gloves for blood. Dry hands with a paper towel.";
  const at = (s: string) => 100 + passage.indexOf(s);

  it("marks the sentences the answer relies on and keeps every character of the passage once", () => {
    const segs = evidenceSegments(passage, 100, [{ start: at("Use gloves"), end: at("Use gloves") + "Use gloves for blood.".length }]);
    expect(joined(segs)).toBe(passage);
    expect(marked(segs)).toEqual(["Use gloves for blood."]);
    expect(segs.map((s) => s.mark)).toEqual([false, true, false]);
  });

  it("merges overlapping and touching spans and sorts them", () => {
    const a = at("Dry");
    const segs = evidenceSegments(passage, 100, [
      { start: a, end: a + 8 },
      { start: 100, end: 105 },
      { start: a + 4, end: 100 + passage.length },
      { start: 103, end: 110 },
    ]);
    expect(joined(segs)).toBe(passage);
    expect(marked(segs)).toEqual([passage.slice(0, 10), passage.slice(passage.indexOf("Dry"))]);
  });

  it("clips spans that reach outside the passage and drops empty or reversed ones", () => {
    const segs = evidenceSegments(passage, 100, [
      { start: 40, end: 104 },
      { start: 150, end: 150 },
      { start: 160, end: 155 },
      { start: 100 + passage.length - 6, end: 999 },
      { start: 5000, end: 6000 },
    ]);
    expect(joined(segs)).toBe(passage);
    expect(marked(segs)).toEqual(["Wash", "towel."]);
  });

  it("returns the whole passage unmarked when there is no evidence, and one piece for an empty passage", () => {
    expect(evidenceSegments(passage, 100, [])).toEqual([{ text: passage, mark: false }]);
    expect(evidenceSegments("", 0, [{ start: 0, end: 3 }])).toEqual([{ text: "", mark: false }]);
  });

  it("marks Chinese text and never cuts a character made of two UTF-16 units in half", () => {
    const zh = "就诊前请洗手。抽血时戴手套。";
    const segs = evidenceSegments(zh, 0, [{ start: 7, end: 14 }]);
    expect(marked(segs)).toEqual(["抽血时戴手套。"]);
    const rare = "药名𠀀很长。";
    // 𠀀 is a surrogate pair at [2, 4): a span starting at its second half starts at the character.
    const cut = evidenceSegments(rare, 0, [{ start: 3, end: 6 }]);
    expect(joined(cut)).toBe(rare);
    expect(marked(cut)).toEqual(["𠀀很长"]);
  });
});

describe("check results as the review table lists them", () => {
  const ok: DraftChecks = { supported: true, duplicate: false, length: "ok", language: "ok", personalData: [], passed: true };

  it("flags nothing for a draft that passes", () => {
    expect(checkResults(ok).filter((c) => !c.ok)).toEqual([]);
    expect(checkResults(ok).map((c) => c.id)).toEqual(["supported", "duplicate", "length", "language", "personalData"]);
  });

  it("names each failed check with the state its sentence is chosen by", () => {
    const bad: DraftChecks = { supported: false, duplicate: true, length: "too-long", language: "differs", personalData: ["email", "phone"], passed: false };
    expect(checkResults(bad).filter((c) => !c.ok)).toEqual([
      { id: "supported", ok: false, state: "bad" },
      { id: "duplicate", ok: false, state: "bad" },
      { id: "length", ok: false, state: "too-long" },
      { id: "language", ok: false, state: "bad" },
      { id: "personalData", ok: false, state: "bad", kinds: ["email", "phone"] },
    ]);
    expect(checkResults({ ...ok, length: "too-short" }).find((c) => c.id === "length")).toEqual({ id: "length", ok: false, state: "too-short" });
  });
});

describe("documents among the Data step's files", () => {
  it("knows PDF, DOCX, TXT and Markdown, whatever the case of the extension", () => {
    for (const n of ["guide.pdf", "Policy.DOCX", "notes.txt", "faq.md", "README.markdown"]) expect(isDocumentFile(n), n).toBe(true);
    for (const n of ["faq.jsonl", "table.csv", "sheet.xlsx", "data.json", "pdf", "md.gguf"]) expect(isDocumentFile(n), n).toBe(false);
    expect(documentFiles([{ name: "a.jsonl" }, { name: "b.pdf" }, { name: "c.md" }]).map((f) => f.name)).toEqual(["b.pdf", "c.md"]);
  });
});

describe("drafting jobs shown on the Data step", () => {
  const job = (id: string, createdAt: string, patch: Partial<DraftJobView> = {}): DraftJobView => ({
    id,
    projectId: "p",
    status: "running",
    model: { name: "m", sha256: "0".repeat(64) },
    pairs: 3,
    files: [{ name: "a.md", passages: 4 }],
    passagesDone: 1,
    passagesTotal: 4,
    secondsLeft: 30,
    counts: { pending: 3, accepted: 2, edited: 1, rejected: 1, total: 7, passedChecks: 2 },
    problems: [],
    error: null,
    createdAt,
    updatedAt: createdAt,
    ...patch,
  });

  it("shows the newest job", () => {
    expect(latestJob(undefined)).toBeNull();
    expect(latestJob([])).toBeNull();
    expect(latestJob([job("a", "2026-01-01T00:00:00Z"), job("b", "2026-01-02T00:00:00Z"), job("c", "2025-12-31T00:00:00Z")])?.id).toBe("b");
  });

  it("puts a progress event's view in, without letting an older view overwrite a newer one", () => {
    const a = job("a", "2026-01-01T00:00:00Z");
    const newer = { ...a, passagesDone: 3, updatedAt: "2026-01-01T00:05:00Z" };
    expect(withJob([a], newer)).toEqual([newer]);
    expect(withJob([newer], a)).toEqual([newer]);
    expect(withJob(undefined, a)).toEqual([a]);
    expect(withJob([a], job("b", "2026-01-02T00:00:00Z")).map((j) => j.id)).toEqual(["a", "b"]);
  });

  it("counts kept pairs, progress, and which jobs still draft", () => {
    const a = job("a", "2026-01-01T00:00:00Z");
    expect(keptPairs(a)).toBe(3);
    expect(progressPercent(a)).toBe(25);
    expect(progressPercent({ ...a, passagesTotal: 0, passagesDone: 0 })).toBeNull();
    expect(["running", "paused", "interrupted", "finished", "cancelled", "failed"].map((s) => isActive({ ...a, status: s as DraftJobView["status"] }))).toEqual([true, true, true, false, false, false]);
  });
});
