/**
 * Answer normalization and tokenization for the task metrics (exact match, F1, ROUGE-L, BLEU).
 *
 * Normalization follows the SQuAD v1.1 evaluation script (Rajpurkar et al. 2016, `normalize_answer`): lower-case,
 * remove punctuation, remove the English articles "a", "an", "the", collapse whitespace. Note: SQuAD removes ASCII
 * punctuation only; like the MLQA script (Lewis et al. 2020) we remove every Unicode punctuation character
 * (category P), so that Chinese "，。？" count as punctuation too.
 *
 * Tokenization: whitespace-separated words, except that every CJK character (Han ideographs, kana, Hangul
 * syllables) is a token of its own, as in the CMRC 2018 and MLQA scripts for Chinese; Chinese has no spaces, so
 * without this a whole Chinese answer would be one "word".
 */

// Han (incl. extensions A and compatibility), Hiragana, Katakana, Hangul syllables.
const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u309f\u30a0-\u30ff\uac00-\ud7af]/u;
const CJK_GLOBAL = new RegExp(CJK.source, "gu");

/** SQuAD's normalize_answer, with Unicode punctuation (see the file comment). */
export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFKC")
    .replace(/\p{P}/gu, " ")
    .replace(/\b(a|an|the)\b/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The normalized answer's tokens: words, and each CJK character alone. */
export function metricTokens(text: string): string[] {
  return normalizeAnswer(text)
    .replace(CJK_GLOBAL, (c) => ` ${c} `)
    .split(/\s+/)
    .filter(Boolean);
}
