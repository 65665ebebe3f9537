/** Each metric on cases computed by hand from the cited definitions. */
import { describe, expect, it } from "vitest";
import { bleu4 } from "../../../electron/app/evaluation/bleu4";
import { blindSide, blindSides } from "../../../electron/app/evaluation/blindSides";
import { exactMatch } from "../../../electron/app/evaluation/exactMatch";
import { findReproducedPii } from "../../../electron/app/evaluation/findReproducedPii";
import { metricTokens } from "../../../electron/app/evaluation/metricTokens";
import { lcsLength, rougeL } from "../../../electron/app/evaluation/rougeL";
import { toBlindPair, blindSummary } from "../../../electron/app/evaluation/toBlindPair";
import { tokenF1 } from "../../../electron/app/evaluation/tokenF1";
import { wilsonInterval } from "../../../electron/app/evaluation/wilsonInterval";
import { findPii } from "../../../electron/app/data/findPii";
import type { StoredBlindPair } from "../../../electron/app/store/blindPairs";

describe("tokenization and normalization (SQuAD, CJK characters single)", () => {
  it("lower-cases, drops punctuation and articles, splits CJK characters", () => {
    expect(metricTokens("The Cat, a dog!")).toEqual(["cat", "dog"]);
    expect(metricTokens("北京是首都。")).toEqual(["北", "京", "是", "首", "都"]);
    expect(metricTokens("用 Aspirin 治疗")).toEqual(["用", "aspirin", "治", "疗"]);
  });
  it("exact match ignores case, punctuation, articles and CJK spacing", () => {
    expect(exactMatch("The Eiffel Tower.", "eiffel tower")).toBe(1);
    expect(exactMatch("北 京", "北京。")).toBe(1);
    expect(exactMatch("Paris", "Paris, France")).toBe(0);
  });
});

describe("token F1 (SQuAD f1_score)", () => {
  it("hand-computed cases", () => {
    // pred [cat, sat, on, mat], ref [cat, is, on, mat]: 3 common; P = 3/4, R = 3/4, F1 = 0.75.
    expect(tokenF1("the cat sat on the mat", "the cat is on the mat")).toBeCloseTo(0.75, 12);
    // Multiplicity: pred [a1 a1 a1] vs ref [a1]: common 1; P = 1/3, R = 1, F1 = 0.5.
    expect(tokenF1("x x x", "x")).toBeCloseTo(0.5, 12);
    // Chinese: pred 北京市 (3 chars) vs ref 北京 (2): common 2; P = 2/3, R = 1, F1 = 0.8.
    expect(tokenF1("北京市", "北京")).toBeCloseTo(0.8, 12);
    expect(tokenF1("", "")).toBe(1);
    expect(tokenF1("", "x")).toBe(0);
    expect(tokenF1("y", "x")).toBe(0);
  });
});

describe("ROUGE-L F (Lin 2004, beta = 1)", () => {
  it("LCS and the F-measure by hand", () => {
    expect(lcsLength(["a", "b", "c", "d"], ["a", "c", "d", "b"])).toBe(3);
    // ref [police, killed, gunman] vs pred [police, kill, gunman]: LCS 2; R = P = 2/3; F = 2/3.
    expect(rougeL("police kill the gunman", "police killed the gunman")).toBeCloseTo(2 / 3, 12);
    // pred [cat, sat, on, mat] vs ref [cat, on, mat]: LCS 3; P = 3/4, R = 1; F = 2·0.75/(1.75) = 6/7.
    expect(rougeL("cat sat on mat", "cat on mat")).toBeCloseTo(6 / 7, 12);
    expect(rougeL("今天天气好", "今天天气很好")).toBeCloseTo((2 * 1 * (5 / 6)) / (1 + 5 / 6), 12);
  });
});

describe("BLEU-4 (Papineni 2002, Chen & Cherry smoothing 1)", () => {
  it("is 1 for an identical answer of four or more tokens", () => {
    expect(bleu4("the cat sat on the mat", "the cat sat on the mat")).toBeCloseTo(1, 12);
  });
  it("hand-computed with clipping, smoothing and the brevity penalty", () => {
    // pred [cat, sat, on, mat] (articles dropped), ref [cat, is, on, mat] (c = r = 4, BP = 1):
    // p1 = 3/4, p2 = 1/3 (on mat), p3 = 0 -> 0.1/2, p4 = 0 -> 0.1/1.
    const expected = Math.exp((Math.log(3 / 4) + Math.log(1 / 3) + Math.log(0.1 / 2) + Math.log(0.1 / 1)) / 4);
    expect(bleu4("the cat sat on the mat", "the cat is on the mat")).toBeCloseTo(expected, 12);
    // Short candidate [cat, on, mat] of ref [cat, sat, on, mat]: p1 = 1, p2 = 1/2, p3 = 0.1/1, p4 = 0.1/1 (no 4-gram:
    // count taken as 1), BP = exp(1 - 4/3).
    const short = Math.exp(1 - 4 / 3) * Math.exp((Math.log(1) + Math.log(1 / 2) + Math.log(0.1) + Math.log(0.1)) / 4);
    expect(bleu4("cat on mat", "cat sat on mat")).toBeCloseTo(short, 12);
    // Clipping: "the the the" style repeats count at most as often as in the reference.
    expect(bleu4("cat cat cat cat", "cat mat")).toBeLessThan(bleu4("cat mat", "cat mat"));
    expect(bleu4("", "x")).toBe(0);
  });
});

describe("Wilson 95% interval", () => {
  it("matches the formula by hand and stays in [0, 1]", () => {
    // 8 of 10: center (0.8 + 1.92073/10)/(1 + 0.384146) ...
    const [lo, hi] = wilsonInterval(8, 10)!;
    expect(lo).toBeCloseTo(0.4901624, 6);
    expect(hi).toBeCloseTo(0.9433178, 6);
    const [lo5, hi5] = wilsonInterval(5, 5)!;
    expect(lo5).toBeCloseTo(0.5655171, 6);
    expect(hi5).toBe(1);
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(3, 2)).toThrow(/successes <= trials, got 3 of 2/);
  });
});

describe("blind order", () => {
  it("is random per pair but reproducible by seed", () => {
    expect(blindSides(42, 40)).toEqual(blindSides(42, 40));
    expect(blindSides(42, 40)).not.toEqual(blindSides(43, 40));
    const sides = blindSides(7, 200);
    const left = sides.filter((s) => s === "left").length;
    expect(left).toBeGreaterThan(70);
    expect(left).toBeLessThan(130);
    expect(blindSide(7, 5)).toBe(sides[5]); // adding pairs does not reshuffle earlier ones
  });
  it("never tells the page which side is tuned before rating", () => {
    const stored = (tunedSide: "left" | "right", choice: StoredBlindPair["choice"]): StoredBlindPair => ({
      id: "7f1c2d9e-0000-4000-8000-000000000001", evaluationId: "e1", seq: 0, question: "Q?", reference: null,
      baseAnswer: "base answer", tunedAnswer: "tuned answer", tunedSide, choice, comment: null, ratedAt: choice ? "2025-01-01T00:00:00Z" : null,
    });
    for (const side of ["left", "right"] as const) {
      const view = toBlindPair(stored(side, null));
      expect(view.revealed).toBeNull();
      expect(Object.keys(view).sort()).toEqual(["evaluationId", "id", "left", "question", "reference", "revealed", "right"]);
      const json = JSON.stringify({ ...view, left: "", right: "" });
      expect(json).not.toMatch(/tuned|base/i); // with the answers blanked, nothing names a side
      expect(side === "left" ? view.left : view.right).toBe("tuned answer");
    }
    const rated = toBlindPair(stored("right", "right"));
    expect(rated.revealed).toEqual({ tunedSide: "right", choice: "right", comment: null });
  });
  it("summarizes wins, ties and the win rate among decided pairs", () => {
    const p = (tunedSide: "left" | "right", choice: StoredBlindPair["choice"]) => ({ tunedSide, choice }) as StoredBlindPair;
    const s = blindSummary([p("left", "left"), p("right", "right"), p("left", "right"), p("left", "tie"), p("right", null)]);
    expect(s).toMatchObject({ rated: 4, tunedWins: 2, baseWins: 1, ties: 1, winRate: 2 / 3 });
    expect(s.interval).toEqual(wilsonInterval(2, 3));
  });
});

describe("personal data reproduced", () => {
  it("flags training spans in outputs, and redacted originals separately", () => {
    const training = findPii("Contact Dr. Alice Brown at alice.brown@clinic-example.org or 415-555-0134.");
    const original = findPii("Patient email: john.doe@example.com");
    const hits = findReproducedPii(
      [
        { example: "q1", text: "Write to alice.brown@clinic-example.org for records." },
        { example: "q2", text: "The patient is john.doe@example.com." },
        { example: "q3", text: "Wash your hands for 20 seconds." },
      ],
      training,
      original,
    );
    expect(hits).toEqual([
      { example: "q1", span: "alice.brown@clinic-example.org", kind: "email", origin: "training-text" },
      { example: "q2", span: "john.doe@example.com", kind: "email", origin: "redacted-original" },
    ]);
  });
});
