import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { StudioApiError } from "../../contract/ApiError";
import type { CatalogEntry, DownloadProgress, ModelInfo } from "../../contract/dto";
import type { StudioApiImpl } from "../../contract/StudioApi";
import { inspectModel } from "../../engine/gguf/inspectModel";
import { ensureDemoModel } from "../demo/ensureDemoModel";
import { catalogEntries, CATALOG, type CatalogItem } from "../models/catalog";
import { insecureCatalogFromEnv } from "../models/checkDownloadUrl";
import { DownloadError, downloadModel } from "../models/downloadModel";
import { defaultModelRoots, findLocalModels, hasGgufMagic, type ModelRoot } from "../models/findLocalModels";
import { addBaseModel, findBaseModel, listBaseModels } from "../store/baseModels";
import { newId } from "../store/rows";
import type { ApiContext } from "./ApiContext";
import { modelInfo } from "./modelInfo";

type ModelsApi = Pick<StudioApiImpl, "listModels" | "addModel" | "useDemoModel" | "findLocalModels" | "listCatalog" | "downloadModel" | "cancelDownload">;

export interface ModelsOptions {
  /** The download catalog (default: the built-in one). */
  catalog?: readonly CatalogItem[];
  /** Base URL the catalog's files are fetched from (default: LORA_STUDIO_CATALOG_URL, else each entry's own URL). */
  catalogUrl?: string;
  /**
   * Allow a plain-http catalog mirror (`lora-studio web --insecure-catalog`; default: LORA_STUDIO_INSECURE_CATALOG=1).
   * Off, an http address is refused before anything is fetched.
   */
  insecureCatalog?: boolean;
  /** Certificate authorities trusted for the catalog's https server instead of the system's (tests: a self-signed one). */
  catalogCa?: string | Buffer;
  /** Folders findLocalModels scans (default: LM Studio, Ollama, Jan, Downloads and <home>/models). */
  modelRoots?: ModelRoot[];
}

/** Base models: the ones added, the demo model, models found on this computer, and downloads from the catalog. */
export function modelsApi(ctx: ApiContext, options: ModelsOptions = {}): ModelsApi {
  const { db } = ctx;
  const modelsDir = join(ctx.home, "models");
  const catalog = () => catalogEntries(options.catalog ?? CATALOG, options.catalogUrl ?? process.env.LORA_STUDIO_CATALOG_URL);
  const allowHttp = options.insecureCatalog ?? insecureCatalogFromEnv();
  const downloads = new Map<string, { catalogId: string; controller: AbortController }>();
  ctx.onDispose(() => {
    for (const d of downloads.values()) d.controller.abort(new DOMException("LoRA Studio is closing", "AbortError"));
  });

  /** Records a model file (hashing it once) and tells every window. */
  const register = async (path: string): Promise<ModelInfo> => {
    const inspection = await inspectModel(path);
    const model = findBaseModel(db, inspection.path, inspection.sha256) ?? addBaseModel(db, inspection);
    ctx.events.emit("state.changed", { kind: "models", projectId: null });
    return modelInfo(model, inspection);
  };

  const run = async (item: CatalogItem, downloadId: string, controller: AbortController) => {
    const base: DownloadProgress = { downloadId, catalogId: item.id, receivedBytes: 0, totalBytes: item.bytes, status: "running", error: null, modelId: null };
    const key = `download:${downloadId}`;
    const send = (p: Partial<DownloadProgress>, last = false) => {
      Object.assign(base, p);
      ctx.events.throttled(key, "download.progress", { ...base });
      if (last) ctx.events.flush(key);
    };
    try {
      if (allowHttp && item.url.startsWith("http:")) console.warn(`LoRA Studio: downloading ${item.url} over plain http (insecure catalog mirror allowed); only its size and sha256 check protect it`);
      const done = await downloadModel({
        url: item.url,
        dest: join(modelsDir, item.file),
        sha256: item.sha256,
        bytes: item.bytes,
        allowHttp,
        ...(options.catalogCa ? { ca: options.catalogCa } : {}),
        signal: controller.signal,
        onProgress: (p) => send({ receivedBytes: p.receivedBytes, totalBytes: p.totalBytes || base.totalBytes, status: p.phase }),
      });
      if (!(await hasGgufMagic(done.path))) throw new DownloadError(`${item.url} did not deliver a GGUF model file (it does not start with "GGUF"); check the catalog address`);
      // register records the file's sha256 with the model before anything uses it.
      const model = await register(done.path);
      send({ receivedBytes: done.bytes, totalBytes: done.bytes, status: "done", modelId: model.id, sha256: done.sha256, verified: done.verified }, true);
    } catch (error) {
      if (controller.signal.aborted) send({ status: "cancelled", error: "cancelled; the part already downloaded is kept, and downloading again continues from there" }, true);
      else send({ status: "failed", error: (error as Error).message }, true);
    } finally {
      downloads.delete(downloadId);
    }
  };

  return {
    async listModels() {
      return Promise.all(listBaseModels(db).map((m) => modelInfo(m)));
    },
    async addModel({ path }) {
      const p = ctx.grants.check(path);
      const s = await stat(p).catch(() => null);
      if (!s) throw new StudioApiError("not-found", `${p} does not exist; choose the model file again`);
      if (!s.isFile()) throw new StudioApiError("invalid-input", `${p} is a folder; choose the .gguf model file inside it`);
      if (!(await hasGgufMagic(p))) {
        throw new StudioApiError("invalid-input", `${p} is not a GGUF model (it does not start with "GGUF"). LoRA Studio trains GGUF models: choose a .gguf file, e.g. from LM Studio, Ollama or Hugging Face`);
      }
      try {
        return await register(p);
      } catch (error) {
        throw new StudioApiError("failed", `${p} looks like a GGUF file but cannot be read: ${(error as Error).message.split("\n")[0]}; it may be cut short (download it again)`);
      }
    },
    async useDemoModel({ architecture, preset }) {
      // The demo model lives in <home>/models (ensureDemoModel adds the "models" folder itself).
      const demo = await ensureDemoModel(ctx.home, architecture, preset);
      return register(demo.path);
    },
    async findLocalModels() {
      const found = await findLocalModels(options.modelRoots ?? defaultModelRoots(modelsDir));
      for (const m of found) ctx.grants.grant(m.path);
      return found;
    },
    async listCatalog() {
      const models = listBaseModels(db);
      return catalog().map((i): CatalogEntry => {
        const path = join(modelsDir, i.file);
        const have = existsSync(path) && models.some((m) => m.path === path && (i.sha256 === null || m.sha256 === i.sha256));
        return { id: i.id, name: i.name, family: i.family, parameters: i.parameters, quantization: i.quantization, bytes: i.bytes, sha256: i.sha256, url: i.url, license: i.license, path: have ? path : null };
      });
    },
    async downloadModel({ catalogId }) {
      const item = catalog().find((i) => i.id === catalogId);
      if (!item) throw new StudioApiError("not-found", `"${catalogId}" is not in the model catalog; choose one of: ${catalog().map((i) => i.id).join(", ")}`);
      const running = [...downloads.entries()].find(([, d]) => d.catalogId === catalogId);
      if (running) throw new StudioApiError("conflict", `${item.name} is already downloading (download ${running[0]}); wait for it or cancel it`);
      const downloadId = newId();
      const controller = new AbortController();
      downloads.set(downloadId, { catalogId, controller });
      void run(item, downloadId, controller);
      return { downloadId };
    },
    async cancelDownload({ downloadId }) {
      const d = downloads.get(downloadId);
      if (!d) return { cancelled: false };
      d.controller.abort(new DOMException("the download was cancelled", "AbortError"));
      return { cancelled: true };
    },
  };
}
