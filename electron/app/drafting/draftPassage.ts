import { basename } from "node:path";
import type { DraftProblem } from "../../contract/dto";
import { detectLanguage } from "../data/detectLanguage";
import type { NewDraft } from "../store/draftJobs";
import { checkDraft, type QuestionIndex } from "./checkDraft";
import { draftProblem } from "./draftMessages";
import type { Drafter } from "./Drafter";
import { findEvidence } from "./findEvidence";
import type { Passage } from "./readPassages";

export interface PassageResult {
  drafts: NewDraft[];
  problems: DraftProblem[];
  /** The drafting stopped (pause, cancel): nothing of this passage is to be stored. */
  aborted: boolean;
  ms: number;
}

/**
 * Drafts one passage: its language decides the prompt's (a Chinese passage the model cannot write is a problem,
 * not a draft), each pair gets its evidence spans in the document and its checks, and its question joins the
 * job's index for the duplicate check of what follows.
 */
export async function draftPassage(drafter: Drafter, passage: Passage, questions: QuestionIndex, signal?: AbortSignal): Promise<PassageResult> {
  const detected = detectLanguage(passage.text);
  const language = detected === "zh" ? "zh" : "en";
  const model = basename(drafter.modelPath);
  if (language === "zh") {
    const can = drafter.canWriteChinese(passage.text);
    if (!can.ok) {
      const problem = draftProblem("LANGUAGE_UNSUPPORTED", passage.file, passage.page, {
        language: "Chinese",
        languageZh: "中文",
        model,
        detail: `its tokenizer spells a Chinese character in ${can.tokensPerChar} tokens, more than 2: its vocabulary has almost no Chinese`,
        detailZh: `其分词器平均用 ${can.tokensPerChar} 个词元拼写一个汉字（超过 2 个），词表中几乎没有中文`,
      });
      return { drafts: [], problems: [problem], aborted: false, ms: 0 };
    }
  }
  const outcome = await drafter.draft(passage, language, signal);
  if (!outcome.ok) {
    switch (outcome.reason) {
      case "aborted":
        return { drafts: [], problems: [], aborted: true, ms: outcome.ms };
      case "too-long":
        return { drafts: [], problems: [draftProblem("PASSAGE_TOO_LONG", passage.file, passage.page, { tokens: (outcome.tokens ?? 0) + drafter.maxTokens, context: drafter.contextSize, model })], aborted: false, ms: outcome.ms };
      case "cut":
        return { drafts: [], problems: [draftProblem("OUTPUT_CUT", passage.file, passage.page, { maxTokens: drafter.maxTokens })], aborted: false, ms: outcome.ms };
      case "unreadable":
        return { drafts: [], problems: [draftProblem("OUTPUT_UNREADABLE", passage.file, passage.page, { detail: outcome.detail })], aborted: false, ms: outcome.ms };
      default:
        outcome.reason satisfies never;
    }
  }
  const drafts: NewDraft[] = [];
  for (const pair of outcome.ok ? outcome.pairs : []) {
    const checks = checkDraft(pair, passage.text, questions);
    questions.add(pair.question);
    drafts.push({ question: pair.question, answer: pair.answer, evidence: findEvidence(passage.text, pair.answer, pair.evidence, passage.start), checks });
  }
  return { drafts, problems: [], aborted: false, ms: outcome.ok ? outcome.ms : 0 };
}
