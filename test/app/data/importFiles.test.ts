import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { importFile, importFiles } from "../../../electron/app/data/importFiles";
import { MESSAGES } from "../../../electron/app/data/messages";
import { writeDocx, writePdf, writeXlsx } from "./writeFixtures";

const dir = mkdtempSync(join(tmpdir(), "data-import-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const codes = (r: { problems: { code: string }[] }) => r.problems.map((p) => p.code);

describe("JSONL and JSON formats", () => {
  it("reads alpaca, chat messages, ShareGPT, prompt/completion and text, each with its line", async () => {
    const lines = [
      { instruction: "Summarise", input: "The clinic opens at 8.", output: "Opens 8am." },
      { messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }, { role: "assistant", content: "Hello" }, { role: "user", content: "Hours?" }, { role: "assistant", content: "8 to 5" }] },
      { conversations: [{ from: "human", value: "问题" }, { from: "gpt", value: "回答" }] },
      { prompt: "2+2?", completion: "4" },
      { text: "A plain document." },
    ];
    const r = await importFile(file("mixed.jsonl", lines.map((l) => JSON.stringify(l)).join("\n") + "\n"));
    expect(r.formats).toEqual({ alpaca: 1, chat: 1, sharegpt: 1, "prompt-completion": 1, text: 1 });
    expect(r.examples.map((e) => e.source.line)).toEqual([1, 2, 3, 4, 5]);
    expect(r.examples[0]!.messages).toEqual([
      { role: "user", content: "Summarise\n\nThe clinic opens at 8." },
      { role: "assistant", content: "Opens 8am." },
    ]);
    expect(r.examples[1]!.messages!.filter((m) => m.role === "assistant")).toHaveLength(2);
    expect(r.examples[2]!.messages!.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(r.examples[4]).toMatchObject({ kind: "document", text: "A plain document." });
    expect(codes(r)).toEqual(["MIXED_FORMATS"]);
  });

  it("reads a JSON array and names each element's line; a .json file that is really JSONL is read as JSONL", async () => {
    const r = await importFile(file("arr.json", '[\n  {"prompt": "a", "completion": "b"},\n  {"prompt": "c",\n   "completion": "d"}\n]'));
    expect(r.examples.map((e) => e.source.line)).toEqual([2, 3]);
    const jl = await importFile(file("lines.json", '{"prompt":"a","completion":"b"}\n{"prompt":"c","completion":"d"}\n'));
    expect(jl.examples).toHaveLength(2);
    const wrapped = await importFile(file("wrapped.json", JSON.stringify({ data: [{ text: "x" }] })));
    expect(wrapped.examples).toHaveLength(1);
  });

  it("reports a malformed JSON file at its line and column", async () => {
    const r = await importFile(file("broken.json", '[\n {"text": "a"},\n {"text": "b" "c"}\n]'));
    expect(r.problems[0]).toMatchObject({ code: "JSON_FILE_MALFORMED", location: { file: "broken.json", line: 3 } });
    expect(r.problems[0]!.message.en).toMatch(/broken\.json, line 3: .*column/);
  });
});

describe("CSV and XLSX", () => {
  it("handles BOM, quoted newlines and delimiters, and guesses Chinese headers", async () => {
    const r = await importFile(file("qa.csv", '\uFEFF问题,答案,备注\n"What, is ""x""?","two\nlines",n\nq2,,x\nq3,a3,y\n'));
    expect(r.columns).toEqual({ question: "问题", answer: "答案" });
    expect(r.examples.map((e) => e.messages![1]!.content)).toEqual(["two\nlines", "a3"]);
    expect(r.examples[0]!.messages![0]!.content).toBe('What, is "x"?');
    expect(r.examples.map((e) => e.source.row)).toEqual([2, 4]);
    expect(codes(r)).toEqual(["UNKNOWN_COLUMNS", "ROW_EMPTY_FIELD"]);
    expect(r.problems[1]!.location).toMatchObject({ row: 3, line: 4 });
  });

  it("detects a semicolon delimiter and uses system and context columns", async () => {
    const r = await importFile(file("semi.csv", "System;Question;Context;Answer\nBe exact.;Fee?;Schedule A;100 EUR\n"));
    expect(r.examples[0]!.messages).toEqual([
      { role: "system", content: "Be exact." },
      { role: "user", content: "Fee?\n\nSchedule A" },
      { role: "assistant", content: "100 EUR" },
    ]);
  });

  it("takes a column mapping that overrides the guess, and names a mapped column that is missing", async () => {
    const p = file("custom.csv", "Kundenfrage,Antwort\nWie?,So.\n");
    const none = await importFile(p);
    expect(codes(none)).toEqual(["NO_COLUMNS"]);
    expect(none.problems[0]!.message.en).toContain('"Kundenfrage", "Antwort"');
    const mapped = await importFiles([p], { columns: { "custom.csv": { question: "Kundenfrage", answer: "Antwort" } } });
    expect(mapped[0]!.examples).toHaveLength(1);
    const wrong = await importFiles([p], { columns: { "*": { question: "Frage", answer: "Antwort" } } });
    expect(codes(wrong[0]!)).toEqual(["MAPPED_COLUMN_MISSING"]);
  });

  it("reads an XLSX workbook's sheets with row numbers", async () => {
    const p = await writeXlsx(join(dir, "book.xlsx"), {
      FAQ: [["Question", "Answer"], ["Opening hours?", "8 to 5"], ["Parking?", "Yes, free"]],
      Empty: [],
    });
    const r = await importFile(p);
    expect(r.problems).toEqual([]);
    expect(r.examples.map((e) => [e.source.row, e.messages![1]!.content])).toEqual([[2, "8 to 5"], [3, "Yes, free"]]);
  });
});

describe("documents", () => {
  it("splits TXT into overlapping chunks on paragraph boundaries, with lines", async () => {
    const paras = Array.from({ length: 12 }, (_, i) => `Paragraph ${i + 1}. ` + "Wash hands before and after each patient. ".repeat(3));
    const r = await importFiles([file("guide.txt", paras.join("\n\n"))], { seqLen: 96, overlapTokens: 20 });
    const ex = r[0]!.examples;
    expect(ex.length).toBeGreaterThan(3);
    // Chunks start and end on sentence boundaries, most end at a paragraph end.
    for (const e of ex) expect(e.text).toMatch(/^(Paragraph \d+\.|Wash)[^]*\.$/);
    expect(ex[0]!.source).toEqual({ file: "guide.txt", chunk: 0, line: 1 });
    expect(ex[1]!.source.line).toBeGreaterThan(1);
    // Overlap: each chunk starts with the last sentence of the one before.
    for (let i = 1; i < ex.length; i++) {
      const lastSentence = /(?:Paragraph \d+\.|Wash hands[^.]*\.)$/.exec(ex[i - 1]!.text!)![0];
      expect(ex[i]!.text!.startsWith(lastSentence)).toBe(true);
    }
    expect(ex.at(-1)!.text).toMatch(/Paragraph 12\./);
    expect(new Set(ex.map((e) => e.group))).toEqual(new Set(["doc:guide.txt"]));
  });

  it("extracts PDF text per page and DOCX text", async () => {
    const pdf = await writePdf(join(dir, "g.pdf"), ["Page one about hand hygiene.", "Page two about gloves."]);
    const docx = await writeDocx(join(dir, "g.docx"), ["First paragraph.", "第二段：中文内容。"]);
    const [p] = await importFiles([pdf], { seqLen: 10 });
    const [d] = await importFiles([docx], { seqLen: 64 });
    expect(p!.examples.map((e) => [e.source.page, e.text])).toEqual([
      [1, "Page one about hand hygiene."],
      [2, "Page two about gloves."],
    ]);
    expect(d!.examples.map((e) => e.text).join("\n")).toContain("第二段：中文内容。");
  });
});

describe("bad input: each file gets a clear error and the others still import", () => {
  it("covers every kind of bad file in one import", async () => {
    const good = file("good.jsonl", '{"prompt":"a","completion":"b"}\n');
    const invalidUtf8 = file("gbk.jsonl", Buffer.concat([Buffer.from('{"prompt":"ok","completion":"b"}\n{"prompt":"'), Buffer.from([0xc4, 0xe3, 0xba]), Buffer.from('","completion":"x"}\n{"prompt":"c","completion":"d"}\n')]));
    const malformed = file("malformed.jsonl", '{"prompt":"a","completion":"b"}\n{"prompt": "a",\n{"prompt":"c","completion":"d"}\n');
    const longLine = file("long.jsonl", `{"prompt":"a","completion":"b"}\n{"text":"${"x".repeat(10 * 1024 * 1024 + 10)}"}\n{"prompt":"c","completion":"d"}\n`);
    const unknownColumns = file("cols.csv", "foo,bar\n1,2\n");
    const binary = file("bin.csv", Buffer.from([0x00, 0x01, 0x02, 0x03, 0x00, 0xff, 0x10]));
    const empty = file("empty.jsonl", "");
    const blank = file("blank.txt", "  \n\n ");
    const encryptedPdf = await writePdf(join(dir, "locked.pdf"), ["secret"], { userPassword: "pw", ownerPassword: "owner" } as PDFKit.PDFDocumentOptions);
    const corruptPdf = file("corrupt.pdf", "%PDF-1.7\nthis is not really a pdf\n%%EOF");
    const corruptDocx = file("corrupt.docx", Buffer.concat([Buffer.from("PK\x03\x04"), Buffer.from("word/document.xml garbage")]));
    const encryptedDocx = file("locked.docx", Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]));
    const pdfNamedJsonl = file("notes.jsonl", readFileSync(encryptedPdf));
    const jsonNamedPdf = file("fake.pdf", '{"prompt":"a","completion":"b"}');
    const docxNamedXlsx = file("fake.xlsx", readFileSync(await writeDocx(join(dir, "real.docx"), ["x"])));
    const unsupported = file("slides.pptx", "x");
    const missing = join(dir, "missing.jsonl");
    const scanned = await writePdf(join(dir, "scan.pdf"), [""]);

    const results = await importFiles([
      good, invalidUtf8, malformed, longLine, unknownColumns, binary, empty, blank, encryptedPdf, corruptPdf,
      corruptDocx, encryptedDocx, pdfNamedJsonl, jsonNamedPdf, docxNamedXlsx, unsupported, missing, scanned,
    ]);
    const by = Object.fromEntries(results.map((r) => [r.file, r]));
    expect(by["good.jsonl"]!.examples).toHaveLength(1);
    expect(by["gbk.jsonl"]!.examples).toHaveLength(2);
    expect(by["gbk.jsonl"]!.problems).toMatchObject([{ code: "INVALID_UTF8", location: { line: 2 } }]);
    expect(by["malformed.jsonl"]!.examples).toHaveLength(2);
    expect(by["malformed.jsonl"]!.problems).toMatchObject([{ code: "JSON_MALFORMED", location: { line: 2 } }]);
    expect(by["long.jsonl"]!.examples).toHaveLength(2);
    expect(by["long.jsonl"]!.problems).toMatchObject([{ code: "LINE_TOO_LONG", location: { line: 2 } }]);
    expect(codes(by["cols.csv"]!)).toEqual(["NO_COLUMNS"]);
    expect(codes(by["bin.csv"]!)).toEqual(["FILE_BINARY"]);
    expect(codes(by["empty.jsonl"]!)).toEqual(["FILE_EMPTY"]);
    expect(codes(by["blank.txt"]!)).toEqual(["FILE_EMPTY"]);
    expect(codes(by["locked.pdf"]!)).toEqual(["ENCRYPTED"]);
    expect(codes(by["corrupt.pdf"]!)).toEqual(["CORRUPT"]);
    expect(codes(by["corrupt.docx"]!)).toEqual(["CORRUPT"]);
    expect(codes(by["locked.docx"]!)).toEqual(["ENCRYPTED"]);
    expect(by["notes.jsonl"]!.problems[0]!.message.en).toContain("the name says JSONL but the content is a PDF document");
    expect(codes(by["fake.pdf"]!)).toEqual(["WRONG_TYPE"]);
    expect(by["fake.xlsx"]!.problems[0]!.message.en).toContain("a Word (DOCX) document");
    expect(codes(by["slides.pptx"]!)).toEqual(["UNSUPPORTED_EXTENSION"]);
    expect(codes(by["missing.jsonl"]!)).toEqual(["FILE_NOT_FOUND"]);
    expect(codes(by["scan.pdf"]!)).toEqual(["NO_TEXT"]);
    for (const r of results) {
      for (const p of r.problems) {
        expect(p.message.en).toContain(r.file);
        expect(p.message.zh).toContain(r.file);
        expect(p.message.zh).not.toMatch(/\{\w+\}/);
        expect(p.message.en).not.toMatch(/\{\w+\}/);
      }
    }
  });

  it("reports wrong field types and unknown roles with the line", async () => {
    const r = await importFile(file("roles.jsonl", ['{"messages":[{"role":"tool","content":"x"}]}', '{"prompt":["a"],"completion":"b"}', "[1,2]"].join("\n")));
    expect(r.problems.map((p) => [p.code, p.location.line])).toEqual([["BAD_RECORD", 1], ["BAD_RECORD", 2], ["BAD_RECORD", 3]]);
    expect(r.problems[0]!.message.en).toContain('role "tool"');
    expect(r.problems[0]!.message.zh).toContain("角色为“tool”");
  });

  it("has every message in English and Chinese", () => {
    for (const [code, m] of Object.entries(MESSAGES)) {
      expect(m.en.length, code).toBeGreaterThan(10);
      expect(m.zh, code).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
