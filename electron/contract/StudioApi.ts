import type {
  AppInfo,
  AppSettings,
  BlindPair,
  CatalogEntry,
  ComparisonView,
  CompatibilityRow,
  DataPreview,
  DatasetSummary,
  DraftJobView,
  DraftView,
  EvaluationView,
  ExamplePreview,
  ExportSummary,
  FileRef,
  GoldenQuestion,
  HardwareSummary,
  LocalModelCandidate,
  ModelInfo,
  ProjectSummary,
  RecommendationView,
  RunDetail,
  RunView,
  SavedPrompt,
} from "./dto";
import { PARAMS, type ApiMethod, type Params, type ParamsIn } from "./schemas";

/**
 * The whole API, one method per action, each taking one params object (validated by PARAMS[method]) and
 * returning JSON. The app implements it once (electron/app/api); the IPC router, the preload, the web bridge
 * and the renderer's clients are built from METHOD_NAMES, so a method missing anywhere fails the type check.
 * Long actions return at once with an id and report through StudioEvents.
 */
export interface StudioApiResults {
  getAppInfo: AppInfo;
  getSettings: AppSettings;
  updateSettings: AppSettings;
  probeHardware: HardwareSummary;
  /** Electron only: a native dialog; the chosen paths become readable. In a browser: "unavailable" (upload instead). */
  pickFiles: FileRef[];
  pickFolder: string | null;

  listProjects: ProjectSummary[];
  createProject: ProjectSummary;
  getProject: ProjectSummary;
  updateProject: ProjectSummary;
  deleteProject: { deleted: true };
  /** Rebuilds projects, datasets, runs and evaluations from this home's run folders the store lacks (after a damaged database). */
  importRunFolders: { projects: ProjectSummary[]; runs: number; skipped: { dir: string; reason: string }[] };

  listModels: ModelInfo[];
  addModel: ModelInfo;
  useDemoModel: ModelInfo;
  findLocalModels: LocalModelCandidate[];
  listCatalog: CatalogEntry[];
  downloadModel: { downloadId: string };
  cancelDownload: { cancelled: boolean };

  previewData: DataPreview;
  importDataset: DatasetSummary;
  listDatasets: DatasetSummary[];
  listExamples: ExamplePreview[];

  /** Starts at once; progress comes as drafting.progress events. Documents are copied into the job's folder, so it resumes after a restart. */
  startDrafting: DraftJobView;
  listDraftJobs: DraftJobView[];
  getDraftJob: DraftJobView;
  pauseDrafting: DraftJobView;
  resumeDrafting: DraftJobView;
  cancelDrafting: DraftJobView;
  listDrafts: { drafts: DraftView[]; total: number };
  reviewDraft: DraftView;
  acceptPassingDrafts: DraftJobView;
  /** The written file, readable by previewData/importDataset, and how many pairs it holds. */
  exportAcceptedDrafts: { file: FileRef; pairs: number };

  recommend: RecommendationView;
  startRun: RunView;
  listRuns: RunView[];
  getRun: RunDetail;
  pauseRun: RunView;
  resumeRun: RunView;
  cancelRun: RunView;

  /** Streams both answers as chat.token events with the requestId, then returns the stored comparison. */
  compare: ComparisonView;
  stopCompare: { stopped: boolean };
  compareValidation: ComparisonView[];
  listComparisons: ComparisonView[];
  rateComparison: ComparisonView;
  listSavedPrompts: SavedPrompt[];
  savePrompt: SavedPrompt;
  deleteSavedPrompt: { deleted: true };

  compatibility: CompatibilityRow[];
  exportRun: ExportSummary;

  listGoldenQuestions: GoldenQuestion[];
  addGoldenQuestions: GoldenQuestion[];
  importGoldenQuestions: GoldenQuestion[];
  deleteGoldenQuestion: { deleted: true };
  evaluateRun: EvaluationView;
  getEvaluation: EvaluationView | null;
  listBlindPairs: BlindPair[];
  rateBlindPair: BlindPair;
  signOff: EvaluationView;
  /**
   * Writes the report into the run folder and returns its path; for HTML also the page itself (self-contained:
   * inline styles and SVG, no script), which the renderer opens so the browser can print it to PDF.
   */
  renderReport: { path: string; format: "html" | "pdf"; html: string | null };
}

/** The API as callers see it (params before defaults). */
export type StudioApi = { [M in ApiMethod]: (params: ParamsIn<M>) => Promise<StudioApiResults[M]> };
/** The API as implementations see it (params validated, defaults filled in). */
export type StudioApiImpl = { [M in ApiMethod]: (params: Params<M>) => Promise<StudioApiResults[M]> };

// A method in StudioApiResults without a schema in PARAMS (or the reverse) fails here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _sameMethods: Same<ApiMethod, keyof StudioApiResults> = true;
void _sameMethods;

export const METHOD_NAMES = Object.keys(PARAMS) as ApiMethod[];
export { PARAMS, type ApiMethod, type Params, type ParamsIn };
