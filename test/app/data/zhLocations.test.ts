/**
 * The Chinese data report reads as Chinese: locations ("第 2 行"), the detected content of a file with the wrong
 * extension ("纯文本") and a CSV fault in plain words, not "line 2", "plain text" or the CSV parser's English.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStudio } from "../api/studioFixture";

const f = openStudio();
afterAll(() => f.close());

const zhMessages = (value: unknown): string[] => JSON.stringify(value).match(/"zh":"(?:[^"\\]|\\.)*"/g) ?? [];

describe("data problems in Chinese", () => {
  it("names lines, table rows and a wrong file type in Chinese", async () => {
    const jsonl = join(f.home, "broken.jsonl");
    const chat = (q: string) => JSON.stringify({ messages: [{ role: "user", content: q }, { role: "assistant", content: "Yes." }] });
    writeFileSync(jsonl, [chat("Open today?"), '{"messages": [{"role": "user", "content": "Parking?}]}', chat("Wheelchair access?")].join("\n") + "\n");
    const pdf = join(f.home, "fake.pdf");
    writeFileSync(pdf, "not a pdf at all, just words\n");
    const csv = join(f.home, "bad.csv");
    writeFileSync(csv, 'question,answer\n"Open?,Yes\n');

    const lines = zhMessages(await f.call("previewData", { paths: [jsonl] }));
    expect(lines.some((m) => m.includes("broken.jsonl，第 2 行："))).toBe(true);
    const wrongType = zhMessages(await f.call("previewData", { paths: [pdf] }));
    expect(wrongType.some((m) => m.includes("但内容是 纯文本"))).toBe(true);
    const rows = zhMessages(await f.call("previewData", { paths: [csv] }));
    // The unclosed quote in plain words, not the CSV parser's own English.
    expect(rows.some((m) => m.includes("bad.csv，第 2 行：") && m.includes("双引号") && m.includes("没有闭合"))).toBe(true);
    for (const m of [...lines, ...wrongType, ...rows]) expect(m).not.toMatch(/, line \d|, row \d|plain text|Quote Not Closed|parsing/);
  }, 120_000);
});
