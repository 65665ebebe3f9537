import { z } from "zod";
import { DOMAINS, DRAFT_STATUSES, EXPORT_FORMATS, PII_KINDS, REDACTION_MODES, THEMES, TRAINING_MODES, UI_LANGUAGES } from "./dto";

/** zod schemas of the payloads the renderer sends: every door validates params with these before the api runs. */

const id = z.string().min(1).max(100);
const text = (max: number) => z.string().max(max);
const none = z.object({}).strict();
/** A file or folder path: no NUL byte (Node would throw on it), at most 4095 bytes in UTF-8 (PATH_MAX). */
const filePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes("\0"), "a path cannot contain a NUL character")
  .refine((p) => new TextEncoder().encode(p).length <= 4095, "the path is longer than 4095 bytes; choose a file in a shorter folder");

/** Every TrainSettings field, optional, with the ranges the engine accepts (advanced mode validates as you type). */
export const TrainSettingsPatchSchema = z
  .object({
    rank: z.number().int().min(1).max(256),
    alpha: z.number().positive().max(1024),
    dropout: z.number().min(0).max(0.9),
    targets: z.array(z.enum(["q", "k", "v", "o", "gate", "up", "down"])).min(1),
    useRsLora: z.boolean(),
    lr: z.number().positive().max(1),
    schedule: z.enum(["cosine", "linear", "constant"]),
    warmupRatio: z.number().min(0).max(0.5),
    weightDecay: z.number().min(0).max(1),
    maxGradNorm: z.number().min(0),
    batchSize: z.number().int().min(1).max(256),
    gradAccum: z.number().int().min(1).max(1024),
    seqLen: z.number().int().min(8).max(32768),
    epochs: z.number().positive().max(1000),
    maxSteps: z.number().int().min(0),
    evalEvery: z.number().int().min(0),
    earlyStopPatience: z.number().int().min(0),
    checkpointEvery: z.number().int().min(0),
    gradientCheckpointing: z.boolean(),
    quantizedBase: z.boolean(),
    seed: z.number().int().min(0).max(2 ** 32 - 1),
    valSplit: z.number().min(0).max(0.5),
  })
  .partial()
  .strict();

export const SamplingSchema = z
  .object({
    temperature: z.number().min(0).max(2).default(0),
    topP: z.number().gt(0).max(1).default(1),
    maxTokens: z.number().int().min(1).max(4096).default(256),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
  })
  .strict();

/** Which column of a CSV/XLSX file holds what, by header name (the mapping dialog); left out: guessed from the header. */
export const ColumnMappingSchema = z
  .object({ question: z.string().min(1).max(500), answer: z.string().min(1).max(500), system: z.string().min(1).max(500), context: z.string().min(1).max(500) })
  .partial()
  .strict();
/** Mappings by file name (DataPreview.tables[].file). */
const ColumnsSchema = z.record(z.string().min(1).max(500), ColumnMappingSchema);

const RedactionSchema = z.partialRecord(z.enum(PII_KINDS), z.enum(REDACTION_MODES));
const paths = z.array(filePath).min(1).max(100);

export const PARAMS = {
  getAppInfo: none,
  getSettings: none,
  updateSettings: z
    .object({ language: z.enum(UI_LANGUAGES), theme: z.enum(THEMES), raterName: text(100), advanced: z.boolean() })
    .partial()
    .strict(),
  probeHardware: z.object({ refresh: z.boolean().optional() }).strict(),
  pickFiles: z.object({ purpose: z.enum(["model", "data", "golden"]) }).strict(),
  pickFolder: z.object({ purpose: z.enum(["export"]) }).strict(),

  listProjects: none,
  createProject: z.object({ name: z.string().trim().min(1, "a project needs a name").max(200), domain: z.enum(DOMAINS), language: z.enum(UI_LANGUAGES) }).strict(),
  getProject: z.object({ projectId: id }).strict(),
  updateProject: z.object({ projectId: id, name: z.string().trim().min(1).max(200).optional(), modelId: id.nullable().optional(), datasetId: id.nullable().optional() }).strict(),
  deleteProject: z.object({ projectId: id }).strict(),
  importRunFolders: none,

  listModels: none,
  addModel: z.object({ path: filePath }).strict(),
  useDemoModel: z.object({ architecture: z.enum(["llama", "qwen2", "qwen3"]).default("qwen2"), preset: z.enum(["tiny", "small"]).default("small") }).strict(),
  findLocalModels: none,
  listCatalog: none,
  downloadModel: z.object({ catalogId: id }).strict(),
  cancelDownload: z.object({ downloadId: id }).strict(),

  previewData: z.object({ paths, modelId: id.optional(), columns: ColumnsSchema.default({}) }).strict(),
  importDataset: z
    .object({
      projectId: id,
      paths,
      name: z.string().trim().min(1).max(200).optional(),
      redaction: RedactionSchema.default({}),
      validationShare: z.number().min(0).max(0.5).default(0.1),
      columns: ColumnsSchema.default({}),
    })
    .strict(),
  listDatasets: z.object({ projectId: id }).strict(),
  listExamples: z.object({ datasetId: id, split: z.enum(["train", "validation", "excluded"]).optional(), limit: z.number().int().min(1).max(500).default(50), offset: z.number().int().min(0).default(0) }).strict(),

  /** `overrides`: the page's advanced edits; the prediction (memory, steps, time) follows them, `settings` does not. */
  /** Drafting question-answer pairs from documents with a local model (issue 15); `modelId` from listModels. */
  startDrafting: z.object({ projectId: id, paths, modelId: id, pairs: z.number().int().min(1).max(10).default(3) }).strict(),
  listDraftJobs: z.object({ projectId: id }).strict(),
  getDraftJob: z.object({ jobId: id }).strict(),
  pauseDrafting: z.object({ jobId: id }).strict(),
  resumeDrafting: z.object({ jobId: id }).strict(),
  cancelDrafting: z.object({ jobId: id }).strict(),
  listDrafts: z.object({ jobId: id, status: z.enum(DRAFT_STATUSES).optional(), limit: z.number().int().min(1).max(500).default(50), offset: z.number().int().min(0).default(0) }).strict(),
  /** accept, reject, reset (back to pending) or edit (question and/or answer given; the model's words are kept). */
  reviewDraft: z
    .object({ draftId: id, action: z.enum(["accept", "reject", "reset", "edit"]), question: z.string().trim().min(1).max(20_000).optional(), answer: z.string().trim().min(1).max(20_000).optional() })
    .strict()
    .refine((p) => p.action !== "edit" || p.question !== undefined || p.answer !== undefined, "an edit needs a question or an answer"),
  acceptPassingDrafts: z.object({ jobId: id }).strict(),
  /** Writes the accepted and edited pairs as a drafts JSONL file (with provenance) the Data step then imports like any file. */
  exportAcceptedDrafts: z.object({ jobId: id }).strict(),

  recommend: z.object({ projectId: id, mode: z.enum(TRAINING_MODES).default("balanced"), overrides: TrainSettingsPatchSchema.default({}) }).strict(),
  startRun: z.object({ projectId: id, mode: z.enum(TRAINING_MODES).default("balanced"), overrides: TrainSettingsPatchSchema.default({}) }).strict(),
  listRuns: z.object({ projectId: id }).strict(),
  getRun: z.object({ runId: id }).strict(),
  pauseRun: z.object({ runId: id }).strict(),
  resumeRun: z.object({ runId: id }).strict(),
  cancelRun: z.object({ runId: id }).strict(),

  compare: z.object({ projectId: id, runId: id, prompt: z.string().trim().min(1, "write a question first").max(20_000), blind: z.boolean().default(false), sampling: SamplingSchema.default(SamplingSchema.parse({})), requestId: id.optional() }).strict(),
  stopCompare: z.object({ requestId: id }).strict(),
  /** `skip` usable validation examples are passed over first: the page asks one at a time to show progress. */
  compareValidation: z.object({ runId: id, limit: z.number().int().min(1).max(50).default(5), skip: z.number().int().min(0).max(1000).default(0), blind: z.boolean().default(false) }).strict(),
  listComparisons: z.object({ projectId: id }).strict(),
  rateComparison: z.object({ comparisonId: id, choice: z.enum(["a", "b", "tie", "both-bad"]), note: text(2000).optional() }).strict(),
  listSavedPrompts: z.object({ projectId: id }).strict(),
  savePrompt: z.object({ projectId: id, text: z.string().trim().min(1).max(20_000) }).strict(),
  deleteSavedPrompt: z.object({ promptId: id }).strict(),

  compatibility: z.object({ runId: id }).strict(),
  exportRun: z.object({ runId: id, formats: z.array(z.enum(EXPORT_FORMATS)).min(1), outDir: filePath.optional() }).strict(),

  listGoldenQuestions: z.object({ projectId: id }).strict(),
  addGoldenQuestions: z.object({ projectId: id, questions: z.array(z.object({ question: z.string().trim().min(1).max(20_000), reference: z.string().max(20_000).nullable().optional() }).strict()).min(1).max(1000) }).strict(),
  importGoldenQuestions: z.object({ projectId: id, path: filePath }).strict(),
  deleteGoldenQuestion: z.object({ questionId: id }).strict(),
  evaluateRun: z.object({ runId: id }).strict(),
  getEvaluation: z.object({ runId: id }).strict(),
  listBlindPairs: z.object({ evaluationId: id }).strict(),
  rateBlindPair: z.object({ pairId: id, choice: z.enum(["left", "right", "tie"]), comment: text(2000).optional() }).strict(),
  signOff: z.object({ evaluationId: id, name: z.string().trim().min(1).max(200), comment: text(5000).default("") }).strict(),
  renderReport: z.object({ runId: id, format: z.enum(["html", "pdf"]) }).strict(),
} as const;

export type ApiMethod = keyof typeof PARAMS;
/** What a caller passes (defaults may be left out). */
export type ParamsIn<M extends ApiMethod> = z.input<(typeof PARAMS)[M]>;
/** What the api receives after validation (defaults filled in). */
export type Params<M extends ApiMethod> = z.output<(typeof PARAMS)[M]>;
