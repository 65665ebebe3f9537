import type { DraftChecks } from "../../../electron/contract/dto";

export const CHECK_IDS = ["supported", "duplicate", "length", "language", "personalData"] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/**
 * One line per check for the review table: `ok` false flags the draft; `state` picks the sentence (the i18n key
 * drafting.check.<id>.<state>), `kinds` the personal data found.
 */
export interface CheckResult {
  id: CheckId;
  ok: boolean;
  state: string;
  kinds?: string[];
}

export function checkResults(c: DraftChecks): CheckResult[] {
  return CHECK_IDS.map((id): CheckResult => {
    switch (id) {
      case "supported":
        return { id, ok: c.supported, state: c.supported ? "ok" : "bad" };
      case "duplicate":
        return { id, ok: !c.duplicate, state: c.duplicate ? "bad" : "ok" };
      case "length":
        return { id, ok: c.length === "ok", state: c.length };
      case "language":
        return { id, ok: c.language === "ok", state: c.language === "ok" ? "ok" : "bad" };
      case "personalData":
        return c.personalData.length > 0 ? { id, ok: false, state: "bad", kinds: [...c.personalData] } : { id, ok: true, state: "ok" };
      default:
        return id satisfies never;
    }
  });
}
