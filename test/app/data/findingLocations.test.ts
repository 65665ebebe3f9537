import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectData } from "../../../electron/app/data/inspectData";
import { plainJsonError } from "../../../electron/app/data/plainJsonError";

const dir = mkdtempSync(join(tmpdir(), "finding-locations-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const good = (i: number) => JSON.stringify({ messages: [{ role: "user", content: `Question ${i}?` }, { role: "assistant", content: `Answer ${i}.` }] });

describe("the data report's problems", () => {
  it("lists every location of a kind with what is wrong there, in plain words (not the parser's text)", async () => {
    const file = join(dir, "faq.jsonl");
    writeFileSync(file, [good(1), '{"messages": [{"role": "user", "content": "Open on Sunday?}]}', good(3), "{'messages': []}", good(5)].join("\n") + "\n");
    const { report } = await inspectData([file]);
    const f = report.findings.find((x) => x.code === "JSON_MALFORMED")!;
    expect(f.count).toBe(2);
    expect(f.samples.map((s) => s.location.line)).toEqual([2, 4]);
    expect(f.samples[0]!.message!.en).toMatch(/faq\.jsonl, line 2.*a text in double quotes is opened but never closed, at character \d+; the line starts: \{"messages"/);
    expect(f.samples[1]!.message!.en).toMatch(/faq\.jsonl, line 4.*a field name in double quotes is expected here/);
    expect(f.samples[1]!.message!.zh).toMatch(/此处应为双引号中的字段名/);
    for (const s of f.samples) expect(s.message!.en).not.toMatch(/\\"|Unexpected|JSON at position/);
    expect(f.fix!.en).toMatch(/the rest of each file was imported/);
    expect(report.totals.examples).toBe(3);
  });

  it("says nothing was imported when whole files could not be read (an empty file, a fake PDF)", async () => {
    const empty = join(dir, "empty.jsonl");
    const fake = join(dir, "guideline.pdf");
    writeFileSync(empty, "");
    writeFileSync(fake, "This is plain text with a .pdf name.\n");
    const { report } = await inspectData([empty, fake, join(dir, "faq.jsonl")]);
    const whole = report.findings.filter((x) => x.code === "FILE_EMPTY" || x.code === "WRONG_TYPE");
    expect(whole.length).toBeGreaterThan(0);
    for (const f of whole) expect(f.fix!.en, f.code).toMatch(/Nothing was imported from these files/);
  });

  it("explains each kind of JSON mistake", () => {
    const why = (text: string) => {
      try {
        JSON.parse(text);
      } catch (e) {
        return plainJsonError(e, text).en;
      }
      return "parsed";
    };
    expect(why('{"a": 1')).toMatch(/a comma or a closing \} is missing|ends before the example is complete/);
    expect(why('{"a": [1 2]}')).toMatch(/a comma or a closing \] is missing/);
    expect(why('{"a": "x"} extra')).toMatch(/more text after/);
    expect(why('{"a": "line\nbreak"}')).toMatch(/line break, tab or backslash/);
  });
});
