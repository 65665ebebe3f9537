import { describe, expect, it } from "vitest";
import { formatMetricValue, metricChange, metricInfo, sortMetricKeys } from "../../renderer/src/components/EvalMetricFormat";
import en from "../../renderer/src/i18n/en.json";
import zh from "../../renderer/src/i18n/zh.json";

const KEYS = [
  "efficiency.peakRssMb",
  "general.perplexity.zh",
  "task.f1",
  "heldOut.loss",
  "golden.bleu",
  "memorization.verbatimRate",
  "general.perplexity.en",
  "efficiency.latencyMs",
  "efficiency.tokensPerSecond",
  "heldOut.perplexity",
  "task.exactMatch",
  "task.rougeL",
  "task.bleu",
  "golden.exactMatch",
  "golden.f1",
  "golden.rougeL",
];

describe("metricInfo", () => {
  it("knows every key the evaluator writes, with a label and help in both languages", () => {
    const groups = [en.evaluate.metric, zh.evaluate.metric, en.evaluate.help, zh.evaluate.help] as Record<string, string>[];
    for (const k of KEYS) {
      const info = metricInfo(k);
      expect(info, k).not.toBeNull();
      for (const g of groups) expect(g[info!.id], k).toBeTruthy();
    }
    expect(metricInfo("general.perplexity.zh")?.language).toBe("zh");
    expect(metricInfo("something.new")).toBeNull();
  });
  it("orders keys as the report does, unknown last", () => {
    expect(sortMetricKeys([...KEYS, "zzz.other"])).toEqual([
      "heldOut.loss",
      "heldOut.perplexity",
      "task.exactMatch",
      "task.f1",
      "task.rougeL",
      "task.bleu",
      "golden.exactMatch",
      "golden.f1",
      "golden.rougeL",
      "golden.bleu",
      "general.perplexity.en",
      "general.perplexity.zh",
      "memorization.verbatimRate",
      "efficiency.latencyMs",
      "efficiency.tokensPerSecond",
      "efficiency.peakRssMb",
      "zzz.other",
    ]);
  });
});

describe("formatMetricValue", () => {
  it("writes each unit sensibly", () => {
    expect(formatMetricValue("task.f1", 0.4123)).toBe("41.2%");
    expect(formatMetricValue("heldOut.loss", 1.23456)).toBe("1.235");
    expect(formatMetricValue("heldOut.perplexity", 3.4367)).toBe("3.44");
    expect(formatMetricValue("heldOut.perplexity", 1234.5)).toBe("1,235");
    expect(formatMetricValue("efficiency.latencyMs", 812.3)).toBe("812 ms");
    expect(formatMetricValue("efficiency.latencyMs", 12_340)).toBe("12.3 s");
    expect(formatMetricValue("efficiency.tokensPerSecond", 41.26)).toBe("41.3 tokens/s");
    expect(formatMetricValue("efficiency.tokensPerSecond", 41.26, "zh")).toBe("41.3 词元/秒");
    expect(formatMetricValue("efficiency.peakRssMb", 512.4)).toBe("512 MB");
    expect(formatMetricValue("efficiency.peakRssMb", 2048)).toBe("2.00 GB");
  });
  it("shows a dash for a missing value", () => {
    expect(formatMetricValue("task.f1", null)).toBe("—");
    expect(formatMetricValue("task.f1", Number.NaN)).toBe("—");
  });
});

describe("metricChange", () => {
  it("judges by the metric's direction", () => {
    expect(metricChange("task.f1", 0.3, 0.5)).toEqual({ verdict: "better", text: "+20.0 pts" });
    expect(metricChange("task.f1", 0.5, 0.3)).toEqual({ verdict: "worse", text: "−20.0 pts" });
    expect(metricChange("heldOut.loss", 2, 1.5)).toEqual({ verdict: "better", text: "−25.0%" });
    expect(metricChange("general.perplexity.en", 10, 12)).toEqual({ verdict: "worse", text: "+20.0%" });
    expect(metricChange("memorization.verbatimRate", 0, 0.5).verdict).toBe("worse");
    expect(metricChange("efficiency.tokensPerSecond", 40, 30).verdict).toBe("worse");
    expect(metricChange("efficiency.latencyMs", 400, 300).verdict).toBe("better");
  });
  it("calls tiny changes no change and missing values unknown", () => {
    expect(metricChange("task.f1", 0.5, 0.502).verdict).toBe("same");
    expect(metricChange("heldOut.perplexity", 10, 10.05).verdict).toBe("same");
    expect(metricChange("heldOut.loss", 2, 2.005).verdict).toBe("same");
  });
  it("judges loss and perplexity alike", () => {
    const loss = { base: 14.965, tuned: 14.938 };
    expect(metricChange("heldOut.loss", loss.base, loss.tuned)).toEqual({ verdict: "better", text: "−0.2%" });
    expect(metricChange("heldOut.perplexity", Math.exp(loss.base), Math.exp(loss.tuned)).verdict).toBe("better");
    expect(metricChange("task.f1", 0, 0)).toEqual({ verdict: "same", text: "±0.0 pts" });
    expect(metricChange("task.f1", null, 0.5)).toEqual({ verdict: "unknown", text: "—" });
    expect(metricChange("new.metric", 1, 2).verdict).toBe("unknown");
  });
  it("writes points in Chinese", () => {
    expect(metricChange("task.f1", 0.3, 0.5, "zh").text).toBe("+20.0 个百分点");
  });
});
