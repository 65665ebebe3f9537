/**
 * The export's technical notes (written in English by the exporters, for IT and the CLI) in Simplified Chinese for
 * the app's Chinese UI. Each exporter's note is a template; a note no template matches returns null and is shown
 * in English (test/app/api/exportNoteZh.test.ts runs every exporter and checks none is left).
 */
const NOTES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^GGUF LoRA for (\S+) bases, (\d+) adapted projections, alpha (\S+) \(llama\.cpp scales each pair by alpha \/ r\)$/, (m) => `适用于 ${m[1]} 基础模型的 GGUF LoRA，共 ${m[2]} 个适配投影，alpha ${m[3]}（llama.cpp 按 alpha / r 缩放每一对）`],
  [/^the file name carries its content hash: node-llama-cpp caches adapters by path, so a new adapter never reuses an old name$/, () => "文件名包含内容哈希：node-llama-cpp 按路径缓存适配器，因此新适配器不会沿用旧文件名"],
  [/^Q8_0 needs every LoRA tensor's first dimension to be a multiple of 32, and (.+) is not; wrote F16 instead \(train with rank 32 or 64 to get Q8_0\)$/, (m) => `Q8_0 要求每个 LoRA 张量的第一维是 32 的倍数，而 ${m[1]} 不是；已改为写出 F16（用秩 32 或 64 训练才能得到 Q8_0）`],
  [/^build it with: cd (.+) && ollama create my-adapter -f Modelfile \(the base GGUF stays at (.+)\)$/, (m) => `构建方法：cd ${m[1]} && ollama create my-adapter -f Modelfile（基础 GGUF 仍在 ${m[2]}）`],
  [/^Ollama applies one adapter per model$/, () => "Ollama 每个模型只加载一个适配器"],
  [/^the model's chat template is neither ChatML nor Llama 3, so the Modelfile has no TEMPLATE: Ollama uses the template it detects in the GGUF; check `ollama show --template` against the training format$/, () => "模型的对话模板既不是 ChatML 也不是 Llama 3，因此 Modelfile 中没有 TEMPLATE：Ollama 会使用它在 GGUF 中检测到的模板；请用 `ollama show --template` 与训练格式核对"],
  [/^the model has no chat template; the Modelfile has no TEMPLATE, so Ollama sends prompts as plain text$/, () => "模型没有对话模板；Modelfile 中没有 TEMPLATE，Ollama 会把提示作为纯文本发送"],
  [/^llama base: q_proj \/ k_proj lora_B rows were put back from GGUF order into Hugging Face order$/, () => "llama 基础模型：q_proj / k_proj 的 lora_B 行已从 GGUF 顺序还原为 Hugging Face 顺序"],
  [/^llama base: q_proj \/ k_proj lora_B rows permuted into GGUF order$/, () => "llama 基础模型：q_proj / k_proj 的 lora_B 行已重排为 GGUF 顺序"],
  [/^the GGUF metadata names no Hugging Face repository: base_model_name_or_path is "(.+)"; replace it with the base model's id \(README\.md explains\)$/, (m) => `GGUF 元数据中没有 Hugging Face 仓库名：base_model_name_or_path 暂为 "${m[1]}"；请替换为基础模型的 ID（README.md 中有说明）`],
  [/^the GGUF names no Hugging Face repository: replace "(.+)" in the config with the base model's id \(README\.md explains\)$/, (m) => `GGUF 中没有 Hugging Face 仓库名：请把配置中的 "${m[1]}" 替换为基础模型的 ID（README.md 中有说明）`],
  [/^per-layer ranks (.+) are not expressible in (\S+)'s config; it trains rank (\d+) everywhere$/, (m) => `各层的秩 ${m[1]} 无法写入 ${m[2]} 的配置；它会在所有层使用秩 ${m[3]} 训练`],
  [/^(\d+) training and (\d+) validation sequences, as prepared for the run \(same split and redactions\)$/, (m) => `${m[1]} 条训练序列和 ${m[2]} 条验证序列，与本次训练准备的一致（相同的划分和脱敏）`],
  [/^(\d+) projections merged \(W \+ alpha\/r · B·A, alpha (\S+)\); 2-D weights in (\S+), norms and biases as in the base$/, (m) => `已合并 ${m[1]} 个投影（W + alpha/r · B·A，alpha ${m[2]}）；二维权重为 ${m[3]}，归一化层和偏置与基础模型相同`],
  [/^a merged model needs no adapter at run time; load it like any GGUF \(llama\.cpp, LM Studio, Ollama FROM\)$/, () => "合并后的模型运行时不需要适配器；像任何 GGUF 一样加载即可（llama.cpp、LM Studio、Ollama FROM）"],
  [/^Q8_0 needs rows that are a multiple of 32 wide; (.+) written as F16$/, (m) => `Q8_0 要求行宽为 32 的倍数；${m[1]} 已按 F16 写出`],
  [/^(\d+) pairs have another scale than the first \(rank_pattern \/ alpha_pattern \/ rsLoRA\); their lora_b carries the difference$/, (m) => `有 ${m[1]} 对的缩放与第一对不同（rank_pattern / alpha_pattern / rsLoRA）；差异已并入其 lora_b`],
  [/^adapter_config\.json targets (.+) but the safetensors file has no tensors for them$/, (m) => `adapter_config.json 指定了 ${m[1]}，但 safetensors 文件中没有对应的张量`],
  [/^the run has not been evaluated: the report has no metrics; run `lora-studio eval --run (.+)` first for a complete bundle$/, (m) => `此运行尚未评估：报告中没有指标；要得到完整的交付包，请先运行 \`lora-studio eval --run ${m[1]}\``],
  [/^the base model at (.+) no longer has the sha256 it was trained with \((\w+)\); the manifest names the trained-with file$/, (m) => `${m[1]} 处的基础模型的 sha256 已与训练时不同（${m[2]}）；清单中记录的是训练时使用的文件`],
  [/^not checked against the trained model here \(the base model is (\d+) MB\); run `(.+)` for the check$/, (m) => `未在此处与训练好的模型核对（基础模型为 ${m[1]} MB）；请运行 \`${m[2]}\` 进行核对`],
  [/^the exported files could not be checked against the trained model: (.+)$/, (m) => `导出的文件无法与训练好的模型核对：${m[1]}`],
];

/** The note in Simplified Chinese, or null where no template matches (it is then shown in English). */
export function exportNoteZh(note: string): string | null {
  for (const [pattern, zh] of NOTES) {
    const m = pattern.exec(note);
    if (m) return zh(m);
  }
  return null;
}
