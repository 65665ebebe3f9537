/**
 * The checks every drafted pair gets, on hand-written drafts (random-weight models only draft noise): supported or
 * not by the passage (English words, Chinese character bigrams), duplicates within a job, lengths, language against
 * the passage's, personal data; the evidence spans; the drafts-file lines; fitting the output to a small context.
 */
import { describe, expect, it } from "vitest";
import { checkDraft, QuestionIndex, supportShare } from "../../../electron/app/drafting/checkDraft";
import { fitToContext } from "../../../electron/app/drafting/Drafter";
import { answerBudget, DEFAULT_DRAFT_LIMITS, draftPrompt } from "../../../electron/app/drafting/draftPrompt";
import { looksLikeDraftLine, parseDraftLine, provenanceOf } from "../../../electron/app/drafting/draftsFile";
import { findEvidence, sentenceSpans } from "../../../electron/app/drafting/findEvidence";

const PASSAGE =
  "Blood tests need fasting for 8 hours before the appointment. Water is allowed. Results arrive within three working days and are sent to the patient portal.";
const PASSAGE_ZH = "抽血检查前需要空腹八小时，可以喝水。检查结果会在三个工作日内发送到患者门户网站。";

const check = (question: string, answer: string, passage = PASSAGE, earlier = new QuestionIndex()) => checkDraft({ question, answer }, passage, earlier);

describe("checkDraft", () => {
  it("passes an English pair whose answer comes from the passage", () => {
    const c = check("How long do I need to fast before a blood test?", "You need to fast for 8 hours before the appointment; water is allowed.");
    expect(c).toEqual({ supported: true, duplicate: false, length: "ok", language: "ok", personalData: [], passed: true });
  });

  it("flags an answer the passage does not support, also when only its numbers differ", () => {
    const invented = check("Can I eat before a blood test?", "Yes, a light breakfast with coffee and toast is fine before your visit to the laboratory.");
    expect(invented.supported).toBe(false);
    expect(invented.passed).toBe(false);
    expect(supportShare("Results arrive within three working days.", PASSAGE)).toBe(1);
    // Most words are the passage's, but the number is made up: not supported.
    expect(supportShare("Results arrive within 14 working days.", PASSAGE)).toBeGreaterThan(0.6);
    expect(check("When do results arrive?", "Results arrive within 14 working days.").supported).toBe(false);
  });

  it("judges Chinese answers by character bigrams", () => {
    const ok = check("抽血前要空腹多久？", "抽血检查前需要空腹八小时，可以喝水。", PASSAGE_ZH);
    expect(ok).toMatchObject({ supported: true, language: "ok", length: "ok", passed: true });
    const invented = check("抽血前可以吃早餐吗？", "可以吃清淡的早餐，例如面包和牛奶，再来医院。", PASSAGE_ZH);
    expect(invented.supported).toBe(false);
  });

  it("marks exact and near duplicate questions within a job, in English and Chinese", () => {
    const job = new QuestionIndex();
    job.add("How long do I need to fast before a blood test?");
    job.add("抽血前要空腹多久？");
    expect(check("How long do I need to fast before a blood test?", "You need to fast for 8 hours.", PASSAGE, job).duplicate).toBe(true);
    expect(check("how long do I need to fast before a blood test", "You need to fast for 8 hours.", PASSAGE, job).duplicate).toBe(true);
    expect(check("How long do I need to fast before the blood test?", "You need to fast for 8 hours.", PASSAGE, job).duplicate).toBe(true);
    expect(check("抽血前要空腹多久呢？", "需要空腹八小时。", PASSAGE_ZH, job).duplicate).toBe(true);
    expect(check("When do the results of my blood test arrive?", "Results arrive within three working days.", PASSAGE, job).duplicate).toBe(false);
  });

  it("marks answers and questions too short or too long", () => {
    expect(check("Fasting?", "Yes.").length).toBe("too-short");
    expect(check("How long do I need to fast?", "8 hours.").length).toBe("too-short");
    expect(check("多久？", "八小时。", PASSAGE_ZH).length).toBe("too-short");
    const long = Array.from({ length: 30 }, () => "Blood tests need fasting for 8 hours before the appointment.").join(" ");
    expect(check("How long do I need to fast before a blood test?", long).length).toBe("too-long");
    expect(check("抽血前要空腹多久？", "抽血检查前需要空腹八小时。".repeat(50), PASSAGE_ZH).length).toBe("too-long");
  });

  it("marks a pair not in the passage's language", () => {
    expect(check("抽血前要空腹多久？", "需要空腹八个小时。").language).toBe("differs");
    expect(check("How long must I fast?", "You must fast for eight hours before the test.", PASSAGE_ZH).language).toBe("differs");
    expect(check("抽血前要空腹多久？", "Eight hours before the test.", PASSAGE_ZH).language).toBe("differs");
  });

  it("lists the kinds of personal data in the pair", () => {
    const c = check("Who do I email about blood test results?", "Write to anna.berg@clinic-example.org or call +41 44 123 45 67 for the results.");
    expect(c.personalData).toEqual(expect.arrayContaining(["email", "phone"]));
    expect(c.passed).toBe(false);
  });
});

describe("findEvidence", () => {
  it("maps the answer and the model's quotes to the passage's sentences, in document offsets", () => {
    const offset = 1000;
    const spans = findEvidence(PASSAGE, "Results arrive within three working days.", ["Water is allowed."], offset);
    const sentences = sentenceSpans(PASSAGE).map((s) => PASSAGE.slice(s.start, s.end));
    expect(sentences).toHaveLength(3);
    expect(spans.map((s) => PASSAGE.slice(s.start - offset, s.end - offset))).toEqual([sentences[1], sentences[2]]);
  });

  it("finds Chinese sentences and returns nothing for an unrelated answer", () => {
    const spans = findEvidence(PASSAGE_ZH, "结果会在三个工作日内发送。", []);
    expect(spans.map((s) => PASSAGE_ZH.slice(s.start, s.end))).toEqual(["检查结果会在三个工作日内发送到患者门户网站。"]);
    expect(findEvidence(PASSAGE, "Parking is free on Sundays.", ["nothing like this"])).toEqual([]);
  });
});

describe("drafts file lines", () => {
  const line = {
    question: "How long must I fast?",
    answer: "Fast for 8 hours.",
    source: { file: "guide.pdf", page: 2, start: 10, end: 90, evidence: [{ start: 10, end: 40 }] },
    checks: { supported: true, duplicate: false, length: "ok", language: "ok", personalData: [], passed: true },
    model: { name: "Qwen2.5 3B Instruct", sha256: "a".repeat(64) },
    status: "edited",
    drafted: { question: "How long fast?", answer: "8 hours." },
  };

  it("are told from other records and read with their provenance", () => {
    expect(looksLikeDraftLine(line)).toBe(true);
    expect(looksLikeDraftLine({ instruction: "q", output: "a" })).toBe(false);
    expect(looksLikeDraftLine({ question: "q", answer: "a" })).toBe(false);
    const parsed = parseDraftLine(line);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.line.drafted).toEqual(line.drafted);
    expect(provenanceOf(parsed.line)).toEqual({ source: line.source, model: line.model, review: "edited" });
    expect(provenanceOf({ ...parsed.line, status: "pending" }).review).toBe("unreviewed");
  });

  it("with a bad status or source say what is wrong", () => {
    const bad = parseDraftLine({ ...line, status: "maybe" });
    expect(bad.ok || bad.detail).toMatch(/status is "maybe"; use one of pending, accepted, edited, rejected/);
    const noSpan = parseDraftLine({ ...line, source: { file: "guide.pdf" } });
    expect(noSpan.ok || noSpan.detail).toMatch(/source needs file, start and end/);
  });
});

describe("the output fits the model's context", () => {
  it("keeps the bounds where they fit and shrinks them (then the passage) in a small context", () => {
    const big = fitToContext(4096 - 300, 3, DEFAULT_DRAFT_LIMITS, 384);
    expect(big).not.toBeNull();
    expect(big!.passageTokens).toBe(384);
    expect(answerBudget(3, big!.limits) + big!.passageTokens).toBeLessThanOrEqual(4096 - 300);
    const small = fitToContext(1024 - 360, 3, DEFAULT_DRAFT_LIMITS, 384);
    expect(small).not.toBeNull();
    expect(small!.limits.answerChars).toBeLessThan(DEFAULT_DRAFT_LIMITS.answerChars);
    expect(answerBudget(3, small!.limits) + small!.passageTokens).toBeLessThanOrEqual(1024 - 360);
    expect(fitToContext(200, 3, DEFAULT_DRAFT_LIMITS, 384)).toBeNull();
  });

  it("asks in the passage's language, with the bounds in the prompt", () => {
    const en = draftPrompt({ text: "Text.", file: "a.md", page: null }, 2, "en", DEFAULT_DRAFT_LIMITS);
    expect(en.system).toMatch(/exactly 2 question-answer pairs[\s\S]*patient, client or colleague[\s\S]*Write in English/);
    const zh = draftPrompt({ text: "文字。", file: "a.pdf", page: 3 }, 2, "zh", DEFAULT_DRAFT_LIMITS);
    expect(zh.system).toMatch(/恰好 2 组问答[\s\S]*患者、客户或同事[\s\S]*全部用中文书写/);
    expect(zh.user).toContain("第 3 页");
  });
});
