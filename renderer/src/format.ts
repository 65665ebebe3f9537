/** Display formatting in the UI language ("en" or "zh"); pure, so tested. */
export type Lang = "en" | "zh";

const locale = (lang: Lang) => (lang === "zh" ? "zh-CN" : "en-US");

export function formatBytes(bytes: number, lang: Lang = "en"): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "—";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = i === 0 ? 0 : v < 10 ? 1 : 0;
  return `${v.toLocaleString(locale(lang), { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${units[i]}`;
}

export function formatMb(mb: number, lang: Lang = "en"): string {
  return formatBytes(mb * 1024 * 1024, lang);
}

/** 42 s, 3 min 5 s, 2 h 10 min (en); 42 秒, 3 分 5 秒, 2 小时 10 分 (zh). */
export function formatDuration(seconds: number | null | undefined, lang: Lang = "en"): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return "—";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const u = lang === "zh" ? { h: "小时", m: "分", s: "秒", sep: "" } : { h: "h", m: "min", s: "s", sep: " " };
  const part = (n: number, unit: string) => (lang === "zh" ? `${n} ${unit}` : `${n}${u.sep}${unit}`);
  if (h > 0) return m > 0 ? `${part(h, u.h)} ${part(m, u.m)}` : part(h, u.h);
  if (m > 0) return sec > 0 ? `${part(m, u.m)} ${part(sec, u.s)}` : part(m, u.m);
  return part(sec, u.s);
}

/** 1.1B, 135M, 12K parameters (en); 11 亿, 1.35 亿, 1350 万 (zh). */
export function formatCount(n: number, lang: Lang = "en"): string {
  if (!Number.isFinite(n)) return "—";
  const fmt = (v: number) => v.toLocaleString(locale(lang), { maximumFractionDigits: v < 10 ? 2 : v < 100 ? 1 : 0 });
  if (lang === "zh") {
    if (n >= 1e8) return `${fmt(n / 1e8)} 亿`;
    if (n >= 1e4) return `${fmt(n / 1e4)} 万`;
    return fmt(n);
  }
  if (n >= 1e9) return `${fmt(n / 1e9)}B`;
  if (n >= 1e6) return `${fmt(n / 1e6)}M`;
  if (n >= 1e3) return `${fmt(n / 1e3)}K`;
  return fmt(n);
}

export function formatDate(iso: string | null | undefined, lang: Lang = "en"): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale(lang), { dateStyle: "medium", timeStyle: "short" });
}

export function formatPercent(share: number, lang: Lang = "en"): string {
  return share.toLocaleString(locale(lang), { style: "percent", maximumFractionDigits: 1 });
}

/** A chart's axis label that stays short: small values and learning rates as 1e-4 or 2.5e-5, others with 3 digits (whole numbers from 100). */
export function formatChartValue(v: number, exponent = false): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  if (exponent || Math.abs(v) < 1e-2) return v.toExponential(1).replace(".0e", "e").replace("e+", "e");
  return Math.abs(v) >= 100 ? String(Math.round(v)) : String(Number(v.toPrecision(3)));
}
