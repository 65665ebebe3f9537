import { GgufValueType, type GgufKv } from "../types";
import { CHINESE_CHARACTERS, CHINESE_PUNCTUATION, WORDS } from "./tokenizerText";
import { CHATML_TEMPLATE } from "./chatTemplate";

/** llama.cpp token types (llama_token_type). */
const TokenType = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

/** SentencePiece's word-boundary mark. */
const SPACE = "\u2581";

export interface TinyTokenizer {
  tokens: string[];
  kvs: GgufKv[];
  bosId: number;
  eosId: number;
}

/**
 * A SentencePiece-style ("llama") vocabulary of exactly `vocabSize` tokens: <unk> <s> </s>, 256 byte-fallback
 * tokens, ChatML control tokens, single characters, then whole words as chains of prefixes ("▁h", "▁he", ...).
 * Note: every multi-character token starts with "▁", so llama.cpp's SPM merge can only grow a word from its
 * start; each prefix of a listed word is itself a token, which makes every listed word reachable by merges
 * regardless of scores. The vocabulary is padded with unused tokens to the requested size.
 */
export function makeTokenizer(vocabSize: number): TinyTokenizer {
  const tokens: string[] = [];
  const types: number[] = [];
  const seen = new Set<string>();
  const add = (text: string, type: number): boolean => {
    if (seen.has(text) || tokens.length >= vocabSize) return false;
    seen.add(text);
    tokens.push(text);
    types.push(type);
    return true;
  };
  add("<unk>", TokenType.UNKNOWN);
  add("<s>", TokenType.CONTROL);
  add("</s>", TokenType.CONTROL);
  for (let b = 0; b < 256; b++) add(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`, TokenType.BYTE);
  add("<|im_start|>", TokenType.CONTROL);
  add("<|im_end|>", TokenType.CONTROL);
  const minimum = tokens.length + 96;
  if (vocabSize < minimum) throw new Error(`vocabulary size ${vocabSize} is too small for the tiny tokenizer; use at least ${minimum}`);
  add(SPACE, TokenType.NORMAL);
  for (let c = 0x21; c < 0x7f; c++) add(String.fromCharCode(c), TokenType.NORMAL);
  for (const ch of CHINESE_PUNCTUATION) add(ch, TokenType.NORMAL);
  // A quarter of what is left goes to the most common Chinese characters, the rest to English word chains
  // (most test text is English), then any remaining Chinese characters.
  const chinese = [...CHINESE_CHARACTERS];
  const chineseFirst = Math.min(chinese.length, Math.floor((vocabSize - tokens.length) / 4));
  for (const ch of chinese.slice(0, chineseFirst)) add(ch, TokenType.NORMAL);
  for (const word of WORDS) {
    if (!word) continue;
    for (const variant of new Set([word, word[0]!.toUpperCase() + word.slice(1)])) {
      const chain = [...variant].map((_, i) => SPACE + variant.slice(0, i + 1)).filter((piece) => !seen.has(piece));
      // Whole chains only: a word whose chain does not fit would end in a dead prefix.
      if (tokens.length + chain.length <= vocabSize) for (const piece of chain) add(piece, TokenType.NORMAL);
    }
  }
  for (const ch of chinese.slice(chineseFirst)) add(ch, TokenType.NORMAL);
  for (let i = 0; tokens.length < vocabSize; i++) add(`<unused${i}>`, TokenType.UNUSED);

  // Longer pieces score higher so that merges prefer whole words; only relative order matters to llama.cpp.
  const scores = tokens.map((t, i) => (types[i] === TokenType.NORMAL ? -1000 + [...t].length : 0));
  const kvs: GgufKv[] = [
    { key: "tokenizer.ggml.model", type: GgufValueType.STRING, value: "llama" },
    { key: "tokenizer.ggml.tokens", type: GgufValueType.ARRAY, itemType: GgufValueType.STRING, value: tokens },
    { key: "tokenizer.ggml.scores", type: GgufValueType.ARRAY, itemType: GgufValueType.FLOAT32, value: scores },
    { key: "tokenizer.ggml.token_type", type: GgufValueType.ARRAY, itemType: GgufValueType.INT32, value: types },
    { key: "tokenizer.ggml.bos_token_id", type: GgufValueType.UINT32, value: 1 },
    { key: "tokenizer.ggml.eos_token_id", type: GgufValueType.UINT32, value: 2 },
    { key: "tokenizer.ggml.unknown_token_id", type: GgufValueType.UINT32, value: 0 },
    { key: "tokenizer.ggml.add_bos_token", type: GgufValueType.BOOL, value: true },
    { key: "tokenizer.ggml.add_eos_token", type: GgufValueType.BOOL, value: false },
    { key: "tokenizer.chat_template", type: GgufValueType.STRING, value: CHATML_TEMPLATE },
  ];
  return { tokens, kvs, bosId: 1, eosId: 2 };
}
