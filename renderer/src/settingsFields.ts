import type { TrainSettings } from "../../electron/contract/dto";
import { TrainSettingsPatchSchema } from "../../electron/contract/schemas";

/** How each TrainSettings field is edited in advanced mode. */
export type FieldKind = "int" | "float" | "bool" | "schedule" | "targets";
export const SETTINGS_FIELDS: { key: keyof TrainSettings; kind: FieldKind }[] = [
  { key: "rank", kind: "int" },
  { key: "alpha", kind: "float" },
  { key: "dropout", kind: "float" },
  { key: "targets", kind: "targets" },
  { key: "useRsLora", kind: "bool" },
  { key: "lr", kind: "float" },
  { key: "schedule", kind: "schedule" },
  { key: "warmupRatio", kind: "float" },
  { key: "weightDecay", kind: "float" },
  { key: "maxGradNorm", kind: "float" },
  { key: "batchSize", kind: "int" },
  { key: "gradAccum", kind: "int" },
  { key: "seqLen", kind: "int" },
  { key: "epochs", kind: "float" },
  { key: "maxSteps", kind: "int" },
  { key: "evalEvery", kind: "int" },
  { key: "earlyStopPatience", kind: "int" },
  { key: "checkpointEvery", kind: "int" },
  { key: "gradientCheckpointing", kind: "bool" },
  { key: "quantizedBase", kind: "bool" },
  { key: "seed", kind: "int" },
  { key: "valSplit", kind: "float" },
];
export const TARGETS = ["q", "k", "v", "o", "gate", "up", "down"] as const;

/** Turns typed text into the field's value (a number when it reads as one; the schema judges the rest). */
export function parseFieldText(text: string): number | string {
  const t = text.trim();
  if (t === "") return t;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** The zod message for one field's value, or null when valid. */
export function validateField(key: keyof TrainSettings, value: unknown): string | null {
  const r = TrainSettingsPatchSchema.safeParse({ [key]: value });
  if (r.success) return null;
  return r.error.issues.map((i) => i.message).join("; ");
}
