import type { Db } from "../store/openStore";
import { getPassage, questionsBefore, setDraftChecks, type StoredDraft } from "../store/draftJobs";
import { checkDraft, QuestionIndex } from "./checkDraft";
import { findEvidence } from "./findEvidence";

/**
 * Runs a draft's checks again on the words it has now (after a reviewer's edit or reset): supported by its passage,
 * a duplicate of an earlier question of the job, length, language, personal data; and finds the passage's sentences
 * the answer relies on again. Note: the model's own evidence quotes are not stored, so after a reset the evidence is
 * found from the answer alone.
 */
export function recheckDraft(db: Db, draft: StoredDraft): StoredDraft {
  const passage = getPassage(db, draft.jobId, draft.passage);
  const checks = checkDraft(draft, passage.text, new QuestionIndex(questionsBefore(db, draft)));
  return setDraftChecks(db, draft.id, findEvidence(passage.text, draft.answer, [], passage.start), checks);
}
