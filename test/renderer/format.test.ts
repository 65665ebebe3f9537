import { describe, expect, it } from "vitest";
import { formatBytes, formatChartValue, formatCount, formatDuration, formatMb, formatPercent } from "../../renderer/src/format";

describe("formatBytes", () => {
  it("picks a unit and keeps one decimal under 10", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(250 * 1024 * 1024)).toBe("250 MB");
    expect(formatBytes(4.2 * 1024 ** 3, "zh")).toBe("4.2 GB");
    expect(formatMb(2048)).toBe("2.0 GB");
  });
  it("shows a dash for nonsense", () => {
    expect(formatBytes(-1)).toBe("—");
    expect(formatBytes(Number.NaN)).toBe("—");
  });
});

describe("formatDuration", () => {
  it("in English", () => {
    expect(formatDuration(42)).toBe("42 s");
    expect(formatDuration(185)).toBe("3 min 5 s");
    expect(formatDuration(180)).toBe("3 min");
    expect(formatDuration(7800)).toBe("2 h 10 min");
    expect(formatDuration(3600)).toBe("1 h");
  });
  it("in Chinese", () => {
    expect(formatDuration(42, "zh")).toBe("42 秒");
    expect(formatDuration(185, "zh")).toBe("3 分 5 秒");
    expect(formatDuration(7800, "zh")).toBe("2 小时 10 分");
  });
  it("unknown is a dash", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(undefined, "zh")).toBe("—");
  });
});

describe("formatCount", () => {
  it("uses K/M/B in English and 万/亿 in Chinese", () => {
    expect(formatCount(135_000_000)).toBe("135M");
    expect(formatCount(1_100_000_000)).toBe("1.1B");
    expect(formatCount(950)).toBe("950");
    expect(formatCount(135_000_000, "zh")).toBe("1.35 亿");
    expect(formatCount(13_500_000, "zh")).toBe("1,350 万");
    expect(formatCount(5000, "zh")).toBe("5,000");
  });
});

describe("formatPercent", () => {
  it("formats a share", () => {
    expect(formatPercent(0.1)).toBe("10%");
    expect(formatPercent(0.125, "zh")).toBe("12.5%");
  });
});

describe("formatChartValue", () => {
  it("keeps learning rates and small values readable, others to 3 digits", () => {
    expect(formatChartValue(1e-4, true)).toBe("1e-4");
    expect(formatChartValue(2.5e-5, true)).toBe("2.5e-5");
    expect(formatChartValue(0.00012)).toBe("1.2e-4");
    expect(formatChartValue(0)).toBe("0");
    expect(formatChartValue(2.34567)).toBe("2.35");
    expect(formatChartValue(10.19)).toBe("10.2");
    expect(formatChartValue(1234)).toBe("1234");
  });
});
