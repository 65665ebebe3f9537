import { ollamaTemplate } from "./ollamaTemplate";

export interface ModelfileInput {
  /** Absolute path of the base GGUF (FROM). */
  basePath: string;
  /** The GGUF LoRA, relative to the Modelfile's folder (ADAPTER); Ollama resolves relative paths from there. */
  adapterPath: string;
  /** tokenizer.chat_template of the base. */
  chatTemplate: string | undefined;
  /** Text of the model's end-of-turn token, added to the stops when the template's do not include it. */
  endOfTurnText: string | null;
}

/**
 * An Ollama Modelfile: FROM the base GGUF, ADAPTER the GGUF LoRA, TEMPLATE converted from the model's chat template,
 * PARAMETER stop for each end-of-turn string (and SYSTEM where the template has a default system prompt).
 */
export function ollamaModelfile(input: ModelfileInput): { text: string; notes: string[] } {
  const notes: string[] = [];
  const t = ollamaTemplate(input.chatTemplate);
  const lines = [`FROM ${quotePath(input.basePath)}`, `ADAPTER ${quotePath(input.adapterPath)}`];
  const stops = [...(t?.stops ?? [])];
  if (input.endOfTurnText && !stops.includes(input.endOfTurnText)) stops.push(input.endOfTurnText);
  if (t) {
    lines.push(`TEMPLATE """${t.template}"""`);
    if (t.defaultSystem) lines.push(`SYSTEM """${t.defaultSystem}"""`);
  } else {
    notes.push(
      input.chatTemplate
        ? "the model's chat template is neither ChatML nor Llama 3, so the Modelfile has no TEMPLATE: Ollama uses the template it detects in the GGUF; check `ollama show --template` against the training format"
        : "the model has no chat template; the Modelfile has no TEMPLATE, so Ollama sends prompts as plain text",
    );
  }
  for (const s of stops) lines.push(`PARAMETER stop ${JSON.stringify(s)}`);
  return { text: lines.join("\n") + "\n", notes };
}

/** Modelfile paths: bare when simple, else double-quoted (Ollama's parser accepts both). */
function quotePath(p: string): string {
  return /^[\w./:\\-]+$/.test(p) ? p : JSON.stringify(p);
}
