import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DOMAINS, EXPORT_FORMATS, PII_KINDS, REDACTION_MODES, THEMES, TRAINING_MODES, UI_LANGUAGES } from "../../electron/contract/dto";
import en from "../../renderer/src/i18n/en.json";
import zh from "../../renderer/src/i18n/zh.json";
import { STEPS } from "../../renderer/src/router";
import { SETTINGS_FIELDS } from "../../renderer/src/settingsFields";

type Tree = { [k: string]: string | Tree };
const SRC = join(import.meta.dirname, "..", "..", "renderer", "src");

function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}
function lookup(tree: Tree, key: string): string | Tree | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of key.split(".")) node = typeof node === "object" ? node[part] : undefined;
  return node;
}
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

const enLeaves = leaves(en as Tree);
const zhLeaves = leaves(zh as Tree);
const code = sources(SRC).map((f) => ({ f, text: readFileSync(f, "utf8") }));

describe("renderer translations", () => {
  it("en and zh have exactly the same keys", () => {
    expect([...zhLeaves.keys()].sort()).toEqual([...enLeaves.keys()].sort());
  });

  it("has no empty values", () => {
    for (const [k, v] of [...enLeaves, ...zhLeaves]) expect(v.trim(), k).not.toBe("");
  });

  it("uses the same {{placeholders}} in both languages", () => {
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const [k, v] of enLeaves) expect(vars(zhLeaves.get(k) ?? ""), k).toEqual(vars(v));
  });

  it("zh is translated (Chinese characters in most values)", () => {
    const han = [...zhLeaves.values()].filter((v) => /\p{Script=Han}/u.test(v)).length;
    expect(han / zhLeaves.size).toBeGreaterThan(0.8);
  });

  it('every t("key") literal under renderer/src exists in en.json', () => {
    const missing: string[] = [];
    let count = 0;
    for (const { f, text } of code) {
      for (const m of text.matchAll(/\bt\(\s*(["'])([\w.-]+)\1/g)) {
        count++;
        if (typeof lookup(en as Tree, m[2]!) !== "string") missing.push(`${m[2]} (${f})`);
      }
    }
    expect(count).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });

  it("every t(`prefix.${x}`) template names an existing group", () => {
    const missing: string[] = [];
    for (const { f, text } of code) {
      for (const m of text.matchAll(/\bt\(\s*`([\w.-]+)\.\$\{/g)) {
        if (typeof lookup(en as Tree, m[1]!) !== "object") missing.push(`${m[1]} (${f})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("covers every value of the contract's enums the UI names", () => {
    const need = [
      ...PII_KINDS.map((k) => `pii.${k}`),
      ...REDACTION_MODES.map((k) => `redaction.${k}`),
      ...THEMES.map((k) => `top.themes.${k}`),
      ...DOMAINS.map((k) => `domain.${k}`),
      ...UI_LANGUAGES.map((k) => `languages.${k}`),
      ...TRAINING_MODES.flatMap((k) => [`settings.mode.${k}`, `settings.modeHint.${k}`]),
      ...EXPORT_FORMATS.flatMap((k) => [`export.format.${k}.name`, `export.format.${k}.desc`]),
      ...STEPS.map((k) => `wizard.step.${k}`),
      ...SETTINGS_FIELDS.map((f) => `settings.field.${f.key}`),
      ...["queued", "running", "paused", "finished", "failed", "interrupted", "cancelled"].flatMap((s) => [`run.status.${s}`, `train.statusText.${s}`]),
    ];
    expect(need.filter((k) => !enLeaves.has(k))).toEqual([]);
  });
});
