/**
 * The ChatML template (as Qwen and SmolLM2 instruct models use), in the Jinja form GGUF files carry.
 * node-llama-cpp recognises it and formats chats with its ChatML wrapper, for training data and chat alike.
 */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
