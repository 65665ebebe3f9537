import { join } from "node:path";
import { StudioApiError } from "../../contract/ApiError";
import type { RunView } from "../../contract/dto";
import type { StudioApiImpl } from "../../contract/StudioApi";
import { TrainConfigSchema } from "../../engine/training/TrainConfig";
import { getProject } from "../store/projects";
import { newId, nowIso } from "../store/rows";
import { getRun, listRuns, recordRun, updateRun } from "../store/runs";
import { RunSupervisor } from "../training/RunSupervisor";
import { loadRunForResume, prepareTrainingRun, type StartWorker } from "../training/trainRun";
import type { ApiContext } from "./ApiContext";
import { applyOverrides, projectTraining, RecommendationCache, recommendForProject, type RecommendOptions } from "./recommendForProject";
import { metricPoints, runView, type StoredRunConfig } from "./runViews";

type RunsApi = Pick<StudioApiImpl, "recommend" | "startRun" | "listRuns" | "getRun" | "pauseRun" | "resumeRun" | "cancelRun">;

export interface RunsOptions extends RecommendOptions {
  /** Starts a training worker (default forkTrainingWorker; Electron passes a utilityProcess launcher). */
  startWorker?: StartWorker;
}

/** A stored "paused" run is one whose worker ended while paused (the app closed): it resumes from its checkpoint. */
const RESUMABLE = new Set(["paused", "interrupted", "cancelled", "failed"]);

/** Training: the recommendation, runs started in a worker (one at a time), their progress, pause, resume, cancel. */
export function runsApi(ctx: ApiContext, options: RunsOptions = {}): RunsApi {
  const { db } = ctx;
  const recommendations = new RecommendationCache();
  // A run still queued from an earlier session was being prepared when the app closed: it never trained.
  for (const r of listRuns(db, { status: "queued" })) {
    updateRun(db, r.id, { status: "failed", endedAt: nowIso(), error: { code: "AppClosed", message: "LoRA Studio was closed while this run was preparing its data; start a new run", resumable: false } });
  }
  const supervisor = new RunSupervisor(db, {
    onProgress: (runId, point, final) => {
      const key = `training:${runId}`;
      ctx.events.throttled(key, "training.progress", { runId, run: view(runId), point });
      if (final || point === null) ctx.events.flush(key);
      if (final) ctx.events.emit("state.changed", { kind: "runs", projectId: getRun(db, runId).projectId });
    },
    ...(options.startWorker ? { startWorker: options.startWorker } : {}),
  });
  ctx.onDispose(() => supervisor.dispose());
  const view = (runId: string): RunView => runView(getRun(db, runId), supervisor.live(runId));
  const idle = () => {
    const busy = supervisor.current;
    if (busy) throw new StudioApiError("conflict", `run ${busy.runId} is ${busy.status === "paused" ? "paused" : "training"}; only one run trains at a time: wait for it, or cancel it first`);
  };

  return {
    async recommend({ projectId, mode, overrides }) {
      return (await recommendForProject(db, ctx.home, projectId, mode, options, recommendations, overrides)).view;
    },
    async startRun({ projectId, mode, overrides }) {
      getProject(db, projectId);
      idle();
      const training = await projectTraining(db, ctx.home, projectId);
      const valSplit = overrides.valSplit ?? training.valSplit;
      const draft: StoredRunConfig = { ...applyOverrides(TrainConfigSchema.parse({}), overrides), valSplit, mode };
      // Recorded at once (queued) so the UI has it; the folder is named after the run's id.
      const run = recordRun(db, { projectId, baseModelId: training.modelId, datasetId: training.datasetId, outDir: join(ctx.home, "runs", `pending-${newId()}`), config: draft, status: "queued" });
      const outDir = join(ctx.home, "runs", run.id);
      db.prepare("UPDATE runs SET out_dir = ? WHERE id = ?").run(outDir, run.id);
      supervisor.start(run.id, { projectId, baseModelId: training.modelId, datasetId: training.datasetId }, async () => {
        const { config: recommended, backend } = await recommendForProject(db, ctx.home, projectId, mode, options, recommendations);
        const config = applyOverrides(recommended, overrides);
        updateRun(db, run.id, { config: { ...config, valSplit, mode } });
        // The stored split is kept unless advanced mode asked for another validation share.
        const keepSplit = overrides.valSplit === undefined && training.validationPath !== null;
        const dataPaths = [training.trainPath, ...(training.validationPath ? [training.validationPath] : [])];
        return prepareTrainingRun({ modelPath: training.modelPath, dataPaths, ...(keepSplit ? { validationPaths: [training.validationPath!] } : {}), outDir, config, valSplit, ...(backend && { backend }) });
      });
      ctx.events.emit("state.changed", { kind: "runs", projectId });
      return view(run.id);
    },
    async listRuns({ projectId }) {
      getProject(db, projectId);
      return listRuns(db, { projectId }).map((r) => runView(r, supervisor.live(r.id))).reverse();
    },
    async getRun({ runId }) {
      return { ...view(runId), metrics: metricPoints(db, runId) };
    },
    async pauseRun({ runId }) {
      const run = getRun(db, runId);
      if (!supervisor.pause(runId)) {
        const live = supervisor.live(runId);
        if (live?.status === "paused" || (!live && run.status === "paused")) return view(runId);
        throw new StudioApiError("conflict", live ? `run ${runId} is still preparing its data; pause it once training has started, or cancel it` : `run ${runId} is not training (it is ${run.status}); only a running run can be paused`);
      }
      return view(runId);
    },
    async resumeRun({ runId }) {
      const run = getRun(db, runId);
      if (supervisor.resume(runId)) return view(runId);
      if (supervisor.live(runId)) return view(runId);
      if (run.status === "finished") throw new StudioApiError("conflict", `run ${runId} has finished; start a new run to train again`);
      if (!RESUMABLE.has(run.status) || (run.status === "failed" && run.error?.resumable === false)) {
        throw new StudioApiError("conflict", `run ${runId} cannot be resumed (it is ${run.status}${run.error ? `: ${run.error.message}` : ""}); start a new run`);
      }
      idle();
      supervisor.start(runId, { projectId: run.projectId, baseModelId: run.baseModelId, datasetId: run.datasetId }, () => loadRunForResume(run.outDir));
      return view(runId);
    },
    async cancelRun({ runId }) {
      const run = getRun(db, runId);
      if (supervisor.cancel(runId)) return view(runId);
      if (run.status === "finished") throw new StudioApiError("conflict", `run ${runId} has already finished; there is nothing to cancel`);
      if (run.status !== "cancelled") updateRun(db, runId, { status: "cancelled", endedAt: run.endedAt ?? nowIso() });
      ctx.events.emit("state.changed", { kind: "runs", projectId: run.projectId });
      return view(runId);
    },
  };
}
