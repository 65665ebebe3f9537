/** An Ollama (Go template) rendering of a model's chat template, with the stop strings that end a turn. */
export interface OllamaTemplate {
  /** The chat format it was recognised as. */
  family: "chatml" | "llama3";
  template: string;
  stops: string[];
  /** A default system prompt the Jinja template inserts when a chat has none (Qwen's), for Modelfile SYSTEM. */
  defaultSystem: string | null;
}

const CHATML = [
  "{{- range .Messages }}<|im_start|>{{ .Role }}",
  "{{ .Content }}<|im_end|>",
  "{{ end }}<|im_start|>assistant",
  "",
].join("\n");

const LLAMA3 = [
  "{{- range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>",
  "",
  "{{ .Content }}<|eot_id|>",
  "{{- end }}<|start_header_id|>assistant<|end_header_id|>",
  "",
  "",
].join("\n");

/**
 * Converts the GGUF's Jinja chat template (tokenizer.chat_template) to the Go template Ollama uses, for the
 * formats training renders (ChatML: Qwen, SmolLM2, the tiny models; Llama 3). Returns null for others: the
 * Modelfile then has no TEMPLATE and a note says to write one.
 */
export function ollamaTemplate(jinja: string | undefined): OllamaTemplate | null {
  if (!jinja) return null;
  if (jinja.includes("<|im_start|>") && jinja.includes("<|im_end|>")) {
    // Qwen2.5's template writes a fixed system turn when the chat has none: keep it as the Modelfile's SYSTEM.
    const system = /<\|im_start\|>system\\n([^'"{}<\\]+)<\|im_end\|>/.exec(jinja);
    return { family: "chatml", template: CHATML, stops: ["<|im_start|>", "<|im_end|>"], defaultSystem: system ? system[1]! : null };
  }
  if (jinja.includes("<|start_header_id|>") && jinja.includes("<|eot_id|>")) {
    return { family: "llama3", template: LLAMA3, stops: ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"], defaultSystem: null };
  }
  return null;
}
