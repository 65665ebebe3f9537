/** A small YAML emitter for recipe configs: maps, lists of scalars or maps, and scalars (strings JSON-quoted). */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

export function toYaml(value: { [key: string]: YamlValue }, indent = ""): string {
  const lines: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (Array.isArray(v)) {
      if (v.length === 0) {
        lines.push(`${indent}${key}: []`);
        continue;
      }
      lines.push(`${indent}${key}:`);
      for (const item of v) {
        if (item !== null && typeof item === "object" && !Array.isArray(item)) {
          const body = toYaml(item, `${indent}    `).split("\n").filter(Boolean);
          lines.push(`${indent}  - ${body[0]!.trimStart()}`, ...body.slice(1));
        } else {
          lines.push(`${indent}  - ${scalar(item)}`);
        }
      }
    } else if (v !== null && typeof v === "object") {
      lines.push(`${indent}${key}:`, toYaml(v, `${indent}  `).trimEnd());
    } else {
      lines.push(`${indent}${key}: ${scalar(v)}`);
    }
  }
  return lines.join("\n") + "\n";
}

function scalar(v: YamlValue): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null) return "null";
  // PyYAML (Axolotl, LLaMA-Factory) reads 1e-8 as a string; 1.0e-8 is a float.
  return String(v).replace(/^(-?\d+)(e[-+]\d+)$/, "$1.0$2");
}
