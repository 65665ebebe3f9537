/**
 * The units a draft's answer is compared with its passage by: English content words (lower case, 3 letters or more,
 * common function words left out, a plural "s" dropped) and Chinese character bigrams (Chinese has no spaces, and a
 * bigram is about a word). Numbers count as words: a dose or a deadline must come from the passage.
 */
export function contentUnits(text: string): string[] {
  const lower = text.toLowerCase();
  const units: string[] = [];
  for (const w of lower.match(/[a-z\u00c0-\u024f][a-z\u00c0-\u024f'-]*|\d+(?:[.,]\d+)*/g) ?? []) {
    if (/^\d/.test(w)) {
      units.push(w);
      continue;
    }
    const word = w.replace(/'s$/, "").replace(/^[-']+|[-']+$/g, "");
    if (word.length < 3 || STOPWORDS.has(word)) continue;
    units.push(stem(word));
  }
  // Runs of Han characters, as bigrams (a lone character counts alone).
  for (const run of text.match(/[\u3400-\u4dbf\u4e00-\u9fff]+/g) ?? []) {
    const chars = [...run].filter((c) => !CHINESE_FUNCTION_CHARS.has(c));
    if (chars.length === 1) units.push(chars[0]!);
    for (let i = 0; i + 1 < run.length; i++) {
      const bigram = run.slice(i, i + 2);
      if (!CHINESE_FUNCTION_BIGRAMS.has(bigram)) units.push(bigram);
    }
  }
  return units;
}

function stem(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return word.slice(0, -3) + "y";
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us")) return word.slice(0, -1);
  return word;
}

const STOPWORDS = new Set(
  (
    "the and for are but not you your yours with this that these those from into onto over under then than there their theirs they them " +
    "what when where which who whom whose why how was were been being have has had having does did doing done can could should would " +
    "will shall may might must our ours out its it's his her hers him she he all any each every some such only own same too very just " +
    "also about above after again against because before below between both during further here once other more most nor off upon " +
    "while until through per via yes please tell explain describe ask asked answer question let get got make made use used"
  ).split(" "),
);

/** Characters that carry grammar, not content (的, 了...): alone they say nothing about support. */
const CHINESE_FUNCTION_CHARS = new Set([..."的了是在和与及或也就都而且被把对于吗呢吧啊之其这那个些您你我他她它们"]);
const CHINESE_FUNCTION_BIGRAMS = new Set(["什么", "怎么", "如何", "为什", "么是", "可以", "是否", "我们", "你们", "他们", "这个", "那个", "请问", "应该", "需要"]);
