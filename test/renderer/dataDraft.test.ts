import { describe, expect, it } from "vitest";
import { EMPTY_DRAFT, parseDataDraft } from "../../renderer/src/hooks/useDataDraft";

describe("the Data step's draft kept across reloads", () => {
  it("reads back what was stored", () => {
    const d = { files: [{ path: "/h/uploads/a.jsonl", name: "a.jsonl" }], columns: { "t.csv": { question: "Q", answer: "A" } }, redaction: { email: "pseudonym" }, share: 0.2 };
    expect(parseDataDraft(JSON.stringify(d))).toEqual(d);
  });

  it("ignores what is missing or malformed instead of breaking the page", () => {
    expect(parseDataDraft(null)).toEqual(EMPTY_DRAFT);
    expect(parseDataDraft("{not json")).toEqual(EMPTY_DRAFT);
    expect(parseDataDraft(JSON.stringify({ files: [{ path: 1 }, null, { path: "/x", name: "x" }], share: 3, columns: [], redaction: "no" }))).toEqual({
      files: [{ path: "/x", name: "x" }],
      columns: {},
      redaction: {},
      share: 0.1,
    });
  });
});
