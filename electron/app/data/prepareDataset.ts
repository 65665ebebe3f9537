import { createWriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { once } from "node:events";
import { sha256File } from "../../engine/util/sha256File";
import { givenSplit, inspectData, type InspectOptions } from "./inspectData";
import { redactExamples, type RedactionChoices } from "./redactPii";
import { splitDataset } from "./splitDataset";
import { throttle } from "./throttle";
import type { QualityReport } from "./qualityReport";
import type { Example, SourceRef, TrainingItem } from "./types";
import type { SplitSettings } from "./splitDataset";
import type { PiiKind } from "./findPii";

export interface PrepareOptions extends InspectOptions {
  modelPath: string;
  outDir: string;
  /** Redaction per kind of personal data; kinds left out are kept as they are. */
  redact?: RedactionChoices;
}

/** DIR/dataset.json: what the dataset was made from and how, stored with it and in every training record. */
export interface DatasetRecord {
  version: 1;
  createdAt: string;
  model: { path: string; sha256: string; chatTemplate: string; endOfTurnToken: number };
  seqLen: number;
  files: { file: string; path: string; sha256?: string; bytes?: number; fileType: string; formats: Record<string, number>; examples: number; problems: number }[];
  counts: { examples: number; train: number; validation: number; excluded: number; truncated: number; trainTokens: number; validationTokens: number };
  excluded: { exampleId: string; source: SourceRef; reason: string }[];
  split: SplitSettings;
  redaction: { choices: RedactionChoices; counts: Partial<Record<PiiKind, number>> };
  report: QualityReport;
  /** Examples (trained or held out) that a model drafted from documents, and the models (name, sha256); absent when none. */
  drafted?: { examples: number; unreviewed: number; models: { name: string; sha256: string }[] };
}

/**
 * Imports, redacts, splits and formats a dataset for training, writing DIR/train.jsonl and DIR/validation.jsonl
 * (one TrainingItem per line) and DIR/dataset.json. Examples that cannot train (empty answers, broken role order,
 * nothing left to learn after truncation) are left out and listed, never dropped silently.
 */
export async function prepareDataset(paths: string[], options: PrepareOptions): Promise<DatasetRecord> {
  const inspection = await inspectData(paths, options);
  const formatter = inspection.formatter!;
  try {
    const seqLen = options.seqLen ?? 1024;
    const excludedIds = new Set(inspection.report.excluded);
    const excluded: DatasetRecord["excluded"] = inspection.examples
      .filter((e) => excludedIds.has(e.id))
      .map((e) => ({ exampleId: e.id, source: e.source, reason: "empty field or broken role order (see the report)" }));
    const usable = inspection.examples.filter((e) => !excludedIds.has(e.id));
    const redaction = redactExamples(usable, options.redact ?? {});
    const split = options.validationPaths
      ? givenSplit(redaction.examples, inspection.files, options.validationPaths, options.split)
      : splitDataset(redaction.examples, options.split);

    await mkdir(options.outDir, { recursive: true });
    const progress = throttle(options.onProgress);
    const total = split.train.length + split.validation.length;
    let done = 0;
    let truncated = 0;
    const tokens = { train: 0, validation: 0 };
    const counts = { train: 0, validation: 0 };
    for (const side of ["train", "validation"] as const) {
      const out = createWriteStream(join(options.outDir, `${side}.jsonl`));
      for (const example of split[side] as Example[]) {
        options.signal?.throwIfAborted();
        const item: TrainingItem = formatter.format(example, seqLen);
        if (item.truncated) truncated++;
        if (!item.lossMask.includes(1)) {
          excluded.push({ exampleId: example.id, source: example.source, reason: `nothing to learn within ${seqLen} tokens (the answer was cut)` });
          continue;
        }
        if (!out.write(JSON.stringify(item) + "\n")) await once(out, "drain");
        tokens[side] += item.tokens.length;
        counts[side]++;
        progress.call({ phase: "format", done: ++done, total });
      }
      out.end();
      await once(out, "finish");
    }
    progress.flush();

    const drafted = draftedCount([...split.train, ...split.validation]);
    const record: DatasetRecord = {
      version: 1,
      createdAt: new Date().toISOString(),
      model: { path: options.modelPath, sha256: await sha256File(options.modelPath), chatTemplate: formatter.templateName, endOfTurnToken: formatter.endOfTurn },
      seqLen,
      files: inspection.files.map((f) => ({
        file: f.file,
        path: f.path,
        sha256: f.sha256,
        bytes: f.bytes,
        fileType: f.fileType,
        formats: f.formats as Record<string, number>,
        examples: f.examples.length,
        problems: f.problems.length,
      })),
      counts: { examples: inspection.examples.length, train: counts.train, validation: counts.validation, excluded: excluded.length, truncated, trainTokens: tokens.train, validationTokens: tokens.validation },
      excluded,
      split: split.settings,
      redaction: { choices: options.redact ?? {}, counts: redaction.counts },
      report: inspection.report,
      ...(drafted ? { drafted } : {}),
    };
    await writeFile(join(options.outDir, "dataset.json"), JSON.stringify(record, null, 2));
    return record;
  } finally {
    await formatter.dispose();
  }
}

/** How many examples carry a drafting provenance, by model (most first). */
function draftedCount(examples: readonly Example[]): DatasetRecord["drafted"] | null {
  const byModel = new Map<string, { name: string; sha256: string; n: number }>();
  for (const e of examples) {
    if (!e.provenance) continue;
    const m = e.provenance.model;
    const entry = byModel.get(m.sha256) ?? { name: m.name, sha256: m.sha256, n: 0 };
    entry.n++;
    byModel.set(m.sha256, entry);
  }
  if (byModel.size === 0) return null;
  const models = [...byModel.values()].sort((a, b) => b.n - a.n);
  const unreviewed = examples.filter((e) => e.provenance?.review === "unreviewed").length;
  return { examples: models.reduce((a, m) => a + m.n, 0), unreviewed, models: models.map(({ name, sha256 }) => ({ name, sha256 })) };
}
