import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DraftLimits } from "../../../electron/app/drafting/draftPrompt";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { writeGguf } from "../../../electron/engine/gguf/writeGguf";
import { writePdf } from "../data/writeFixtures";

/** Small bounds and passages: a random-weight model writes every string to its bound, so these keep tests fast. */
export const TEST_LIMITS: DraftLimits = { questionChars: 24, answerChars: 48, evidenceItems: 1, evidenceChars: 24 };
export const TEST_PASSAGE_TOKENS = 48;
/** The tiny model's own context (512) is too small for the prompt in its character-level vocabulary. */
export const TEST_CONTEXT = 1024;

export const CLINIC_MD = [
  "# Blood tests",
  "",
  "Blood tests need fasting for 8 hours before the appointment. Water is allowed. Bring your insurance card and a list of your medicines.",
  "",
  "Results arrive within three working days. They are sent to the patient portal, and the doctor calls when a value needs attention.",
  "",
  "## Vaccinations",
  "",
  "The clinic gives flu vaccinations from October to December. Children under twelve need a parent or guardian with them.",
].join("\n");

export const CLINIC_PDF_PAGES = [
  "Opening hours. The clinic opens at 8 am on weekdays and closes at 6 pm. On Saturdays it opens from 9 am to noon.",
  "", // a scanned page: no text layer
  "Cancellations. Please cancel an appointment at least 24 hours before it. Late cancellations may be charged.",
];

/** A tiny llama model with the ChatML template (random weights), a Markdown guide and a PDF with a page without text. */
export async function writeDraftingInputs(dir: string): Promise<{ model: string; md: string; pdf: string }> {
  const model = join(dir, "drafter.gguf");
  await makeTinyModel({ arch: "llama", preset: "tiny", out: model, seed: 5 });
  const md = join(dir, "clinic-guide.md");
  writeFileSync(md, CLINIC_MD);
  const pdf = await writePdf(join(dir, "clinic-hours.pdf"), CLINIC_PDF_PAGES);
  return { model, md, pdf };
}

/** A copy of a GGUF model with its metadata changed (tensors as they are). */
async function rewriteGguf(source: string, out: string, change: (kvs: { key: string; type: number; value: unknown }[]) => { key: string; type: number; value: unknown }[]): Promise<string> {
  const file = await openGguf(source);
  const kvs = change(file.kvs.map((kv) => ({ ...kv })) as never);
  const tensors = await Promise.all(file.tensors.map(async (t) => ({ name: t.name, dims: t.dims, type: t.type, data: await file.readTensorBytes(t.name) })));
  await file.close();
  await writeGguf(out, kvs as never, tensors as never);
  return out;
}

/** The model without tokenizer.chat_template: a base model that cannot be asked questions. */
export function withoutChatTemplate(source: string, out: string): Promise<string> {
  return rewriteGguf(source, out, (kvs) => kvs.filter((kv) => kv.key !== "tokenizer.chat_template"));
}

/**
 * The model with the Chinese characters of its vocabulary made unused: Chinese text then falls back to 3 byte tokens
 * per character, as in a vocabulary without Chinese.
 */
export function withoutChinese(source: string, out: string): Promise<string> {
  return rewriteGguf(source, out, (kvs) => {
    const tokens = kvs.find((kv) => kv.key === "tokenizer.ggml.tokens")!.value as string[];
    const types = kvs.find((kv) => kv.key === "tokenizer.ggml.token_type")!.value as number[];
    const cjk = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;
    const newTokens = tokens.map((t, i) => (cjk.test(t) ? `<unused_${i}>` : t));
    const newTypes = types.map((ty, i) => (cjk.test(tokens[i]!) ? 5 : ty));
    return kvs.map((kv) => (kv.key === "tokenizer.ggml.tokens" ? { ...kv, value: newTokens } : kv.key === "tokenizer.ggml.token_type" ? { ...kv, value: newTypes } : kv));
  });
}
