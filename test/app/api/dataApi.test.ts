import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../helpers/paths";
import { openStudio } from "./studioFixture";

const f = openStudio();
afterAll(() => f.close());

const sample = join(repoRoot, "resources/samples/clinic-faq.jsonl");
const withPii = join(f.home, "uploads", "faq-with-contacts.jsonl");
const chat = (q: string, a: string) => JSON.stringify({ messages: [{ role: "user", content: q }, { role: "assistant", content: a }] });
writeFileSync(
  withPii,
  readFileSync(sample, "utf8").trimEnd() +
    "\n" +
    [
      chat("Who handles billing questions?", "Write to anna.berg@riverside-clinic.org and she will answer within two days."),
      chat("Is there an emergency number?", "Call the on-call nurse at +1 415-555-0142 outside opening hours."),
      chat("Can I e-mail my results?", "Yes, send them to results@riverside-clinic.org."),
    ].join("\n") +
    "\n",
);

describe("data through dispatch", () => {
  it("previews data: examples, the quality report, personal data per kind and the split", async () => {
    expect(await f.fail("previewData", { paths: ["/etc/passwd"] })).toMatchObject({ code: "forbidden" });
    f.studio.grants.grant(sample);
    const preview = await f.call("previewData", { paths: [withPii, sample] });
    const n = readFileSync(sample, "utf8").trim().split("\n").length;
    expect(preview.exampleCount).toBe(2 * n + 3);
    expect(preview.files.map((x) => x.name)).toEqual(["faq-with-contacts.jsonl", "clinic-faq.jsonl"]);
    expect(preview.examples.length).toBe(Math.min(50, preview.exampleCount));
    expect(preview.examples[0]).toMatchObject({ kind: "chat", source: { file: "faq-with-contacts.jsonl", line: 1 } });
    expect(preview.report.totals.examples).toBe(preview.exampleCount);
    expect(preview.split.train + preview.split.validation).toBeLessThanOrEqual(preview.exampleCount);
    expect(preview.split.validation).toBeGreaterThan(0);
    const email = preview.pii.find((p) => p.kind === "email");
    expect(email?.count).toBe(2);
    expect(email?.samples[0]?.note).toMatch(/^an\*+rg$|^an\*+/);
    expect(JSON.stringify(email)).not.toContain("anna.berg@riverside-clinic.org");
    expect(preview.pii.find((p) => p.kind === "phone")?.count).toBe(1);
    expect(preview.report.findings.some((x) => x.code === "PII_FOUND")).toBe(true);
  });

  it("imports with redaction applied in the stored examples, sets the project's dataset, reports progress", async () => {
    const p = await f.call("createProject", { name: "Clinic", domain: "medical", language: "en" });
    const d = await f.call("importDataset", { projectId: p.id, paths: [withPii], redaction: { email: "placeholder", phone: "keep" }, validationShare: 0.2 });
    expect(d).toMatchObject({ projectId: p.id, name: "faq-with-contacts", redaction: { email: "placeholder", phone: "keep" } });
    expect(d.exampleCount).toBe(d.counts.train + d.counts.validation + d.counts.excluded);
    expect(d.counts.validation).toBeGreaterThanOrEqual(2);
    expect(d.files[0]).toMatchObject({ name: "faq-with-contacts.jsonl", examples: d.exampleCount });
    expect(d.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(d.report?.totals.examples).toBe(d.exampleCount);
    expect((await f.call("getProject", { projectId: p.id })).datasetId).toBe(d.id);
    expect((await f.call("listDatasets", { projectId: p.id })).map((x) => x.id)).toEqual([d.id]);

    const all = await f.call("listExamples", { datasetId: d.id, limit: 500 });
    const text = JSON.stringify(all);
    expect(text).not.toContain("anna.berg@riverside-clinic.org");
    expect(text).toContain("Write to [EMAIL] and she will answer");
    expect(text).toContain("+1 415-555-0142"); // kept as chosen
    const validation = await f.call("listExamples", { datasetId: d.id, split: "validation" });
    expect(validation.length).toBe(d.counts.validation);
    expect(validation.every((e) => e.split === "validation")).toBe(true);
    expect((await f.call("listExamples", { datasetId: d.id, limit: 2, offset: 1 }))[0]!.id).toBe(all[1]!.id);

    const phases = f.events.filter((e) => e.event === "import.progress").map((e) => (e.payload as { phase: string }).phase);
    expect(phases.at(-1)).toBe("storing");
    expect(await f.fail("importDataset", { projectId: "nope", paths: [withPii] })).toMatchObject({ code: "not-found" });
  });

  it("maps the columns of a table whose headers cannot be guessed, in the preview and the import", async () => {
    const table = join(f.home, "uploads", "anfragen.csv");
    const rows = Array.from({ length: 25 }, (_, i) => `"Wann ist Termin ${i}?","Am Montag um ${i % 12 + 1} Uhr."`);
    writeFileSync(table, ["Anfrage,Erwiderung,Notiz", ...rows].join("\n") + "\n");
    const guessed = await f.call("previewData", { paths: [table] });
    expect(guessed.tables).toEqual([{ file: "anfragen.csv", headers: ["Anfrage", "Erwiderung", "Notiz"], mapping: expect.not.objectContaining({ question: "Anfrage" }) }]);
    expect(guessed.exampleCount).toBe(0);
    expect(guessed.report.findings.some((x) => x.severity === "error")).toBe(true);

    const columns = { "anfragen.csv": { question: "Anfrage", answer: "Erwiderung" } };
    const mapped = await f.call("previewData", { paths: [table], columns });
    expect(mapped.tables[0]!.mapping).toMatchObject({ question: "Anfrage", answer: "Erwiderung" });
    expect(mapped.exampleCount).toBe(25);
    expect(mapped.examples[0]!.messages).toEqual([
      { role: "user", content: "Wann ist Termin 0?" },
      { role: "assistant", content: "Am Montag um 1 Uhr." },
    ]);
    expect(await f.fail("previewData", { paths: [table], columns: { "anfragen.csv": { question: "" } } })).toMatchObject({ code: "invalid-input" });

    const p = await f.call("createProject", { name: "Termine", domain: "other", language: "en" });
    const d = await f.call("importDataset", { projectId: p.id, paths: [table], columns });
    expect(d.exampleCount).toBe(25);
  });
});
