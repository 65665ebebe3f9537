import { createServer, type Server } from "node:http";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DownloadProgress } from "../../../electron/contract/dto";
import type { StudioEvent } from "../../../electron/contract/StudioEvents";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import type { CatalogItem } from "../../../electron/app/models/catalog";
import { openStudio } from "./studioFixture";

let server: Server;
let base = "";
let model: Buffer;
let sha = "";
/** Requests seen, and whether the next full transfer is cut in the middle. */
const seen: { url: string; range: string | undefined }[] = [];
let cutNext = false;
let stallNext = false;

const item = (id: string, sha256: string | null): CatalogItem => ({ id, name: id, family: "qwen", parameters: "tiny", quantization: "F32", file: `${id}.gguf`, bytes: 1, sha256, url: `https://example.invalid/${id}.gguf`, license: "test" });

const f = openStudio();
const dir = join(f.home, "..", `${f.home.split("/").pop()}-files`);

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  await makeTinyModel({ arch: "qwen2", preset: "tiny", out: join(dir, "tiny.gguf"), seed: 3 });
  model = readFileSync(join(dir, "tiny.gguf"));
  sha = createHash("sha256").update(model).digest("hex");
  server = createServer((req, res) => {
    seen.push({ url: req.url!, range: req.headers.range });
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    const start = m ? Number(m[1]) : 0;
    const body = model.subarray(start);
    res.writeHead(m ? 206 : 200, { "content-length": body.length, ...(m ? { "content-range": `bytes ${start}-${model.length - 1}/${model.length}` } : {}) });
    if (stallNext) {
      stallNext = false;
      res.write(body.subarray(0, 1024)); // and nothing more: the transfer hangs until the client gives up
      return;
    }
    if (cutNext) {
      cutNext = false;
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await f.close();
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const finished = (downloadId: string) => (e: StudioEvent): e is Extract<StudioEvent, { event: "download.progress" }> =>
  e.event === "download.progress" && e.payload.downloadId === downloadId && ["done", "failed", "cancelled"].includes(e.payload.status);

describe("projects and models through dispatch", () => {
  it("creates, lists, updates and deletes projects", async () => {
    const p = await f.call("createProject", { name: "Clinic", domain: "medical", language: "en" });
    expect(p).toMatchObject({ name: "Clinic", modelId: null, datasetId: null, latestRun: null });
    expect((await f.call("listProjects", {})).map((x) => x.id)).toContain(p.id);
    expect((await f.call("updateProject", { projectId: p.id, name: "Clinic FAQ" })).name).toBe("Clinic FAQ");
    expect(await f.fail("createProject", { name: " ", domain: "medical", language: "en" })).toMatchObject({ code: "invalid-input" });
    await f.call("deleteProject", { projectId: p.id });
    expect(await f.fail("getProject", { projectId: p.id })).toMatchObject({ code: "not-found" });
  });

  it("adds a GGUF model the user chose, refuses one not chosen and a file that is no GGUF", async () => {
    expect(await f.fail("addModel", { path: join(dir, "tiny.gguf") })).toMatchObject({ code: "forbidden" });
    f.studio.grants.grant(dir);
    const m = await f.call("addModel", { path: join(dir, "tiny.gguf") });
    expect(m).toMatchObject({ architecture: "qwen2", trainable: true, notTrainableReason: null, fileBytes: model.length });
    expect((await f.call("addModel", { path: join(dir, "tiny.gguf") })).id).toBe(m.id);
    writeFileSync(join(dir, "notes.gguf"), "these are not weights");
    const bad = await f.fail("addModel", { path: join(dir, "notes.gguf") });
    expect(bad.code).toBe("invalid-input");
    expect(bad.message).toMatch(/notes\.gguf is not a GGUF model.*choose a \.gguf file/);
    expect((await f.call("listModels", {})).map((x) => x.id)).toEqual([m.id]);
  });

  it("makes and registers the demo model in <home>/models", async () => {
    const demo = await f.call("useDemoModel", { architecture: "llama", preset: "tiny" });
    expect(demo.path.startsWith(join(f.home, "models"))).toBe(true);
    expect(demo).toMatchObject({ architecture: "llama", trainable: true });
    expect((await f.call("useDemoModel", { architecture: "llama", preset: "tiny" })).id).toBe(demo.id);
  });

  it("finds GGUF files in other apps' folders, Ollama blobs by their magic, and grants them", async () => {
    const g = openStudio({
      modelRoots: [
        { path: join(dir, "lms"), source: "lm-studio" },
        { path: join(dir, "ollama", "blobs"), source: "ollama" },
        { path: join(dir, "missing"), source: "jan" },
      ],
    });
    try {
      mkdirSync(join(dir, "lms", "Qwen", "tiny-GGUF"), { recursive: true });
      mkdirSync(join(dir, "ollama", "blobs"), { recursive: true });
      copyFileSync(join(dir, "tiny.gguf"), join(dir, "lms", "Qwen", "tiny-GGUF", "tiny-q8.gguf"));
      copyFileSync(join(dir, "tiny.gguf"), join(dir, "ollama", "blobs", "sha256-abcdef0123456789abcdef"));
      writeFileSync(join(dir, "ollama", "blobs", "sha256-0000manifest"), "{}");
      writeFileSync(join(dir, "lms", "readme.txt"), "hello");
      const found = await g.call("findLocalModels", {});
      expect(found.map((m) => [m.source, m.name])).toEqual([
        ["lm-studio", "tiny-q8"],
        ["ollama", "Ollama blob sha256-abcdef012345"],
      ]);
      expect(found[0]!.bytes).toBe(model.length);
      expect((await g.call("addModel", { path: found[1]!.path })).architecture).toBe("qwen2");
    } finally {
      await g.close();
    }
  });
});

describe("downloads from the catalog", () => {
  it("lists the built-in catalog with Hugging Face URLs, or under LORA_STUDIO_CATALOG_URL", async () => {
    const list = await f.call("listCatalog", {});
    expect(list.length).toBeGreaterThanOrEqual(3);
    for (const e of list) expect(e.url).toMatch(/^https:\/\/huggingface\.co\/.+\/resolve\/main\/.+\.gguf$/);
    process.env.LORA_STUDIO_CATALOG_URL = "http://mirror.local/models/";
    try {
      expect((await f.call("listCatalog", {}))[0]!.url).toBe(`http://mirror.local/models/${list[0]!.url.split("/").pop()}`);
    } finally {
      delete process.env.LORA_STUDIO_CATALOG_URL;
    }
  });

  it("downloads, resumes an interrupted transfer with a Range request, checks the hash and registers the model", async () => {
    const g = openStudio({ catalog: [item("tiny-good", sha)], catalogUrl: base });
    try {
      cutNext = true;
      const first = await g.call("downloadModel", { catalogId: "tiny-good" });
      const cut = (await g.waitFor(finished(first.downloadId))).payload;
      expect(cut.status).toBe("failed");
      expect(cut.error).toMatch(/start the download again to continue/);
      const part = join(g.home, "models", "tiny-good.gguf.part");
      expect(statSync(part).size).toBeGreaterThan(0);
      expect(statSync(part).size).toBeLessThan(model.length);

      const second = await g.call("downloadModel", { catalogId: "tiny-good" });
      const done = (await g.waitFor(finished(second.downloadId))).payload as DownloadProgress;
      expect(done).toMatchObject({ status: "done", receivedBytes: model.length, totalBytes: model.length, error: null });
      expect(seen.at(-1)!.range).toMatch(/^bytes=\d+-$/);
      expect(readFileSync(join(g.home, "models", "tiny-good.gguf")).equals(model)).toBe(true);
      expect(existsSync(part)).toBe(false);
      const models = await g.call("listModels", {});
      expect(models.map((m) => m.id)).toContain(done.modelId);
      expect((await g.call("listCatalog", {}))[0]!.path).toBe(join(g.home, "models", "tiny-good.gguf"));
      const progress = g.events.filter((e) => e.event === "download.progress" && e.payload.downloadId === second.downloadId);
      expect(progress.length).toBeGreaterThanOrEqual(1);
    } finally {
      await g.close();
    }
  });

  it("deletes a download whose sha256 does not match, and says so", async () => {
    const g = openStudio({ catalog: [item("tiny-bad", "0".repeat(64))], catalogUrl: base });
    try {
      const { downloadId } = await g.call("downloadModel", { catalogId: "tiny-bad" });
      const end = (await g.waitFor(finished(downloadId))).payload;
      expect(end.status).toBe("failed");
      expect(end.error).toContain(`sha256 is ${sha}`);
      expect(end.error).toMatch(/was deleted/);
      expect(existsSync(join(g.home, "models", "tiny-bad.gguf"))).toBe(false);
      expect(existsSync(join(g.home, "models", "tiny-bad.gguf.part"))).toBe(false);
      expect(await g.call("listModels", {})).toEqual([]);
    } finally {
      await g.close();
    }
  });

  it("cancels a running download and keeps the part for a later resume", async () => {
    const g = openStudio({ catalog: [item("tiny-cancel", null)], catalogUrl: base });
    try {
      stallNext = true;
      const { downloadId } = await g.call("downloadModel", { catalogId: "tiny-cancel" });
      await g.waitFor((e): e is StudioEvent => e.event === "download.progress" && e.payload.downloadId === downloadId && e.payload.receivedBytes > 0);
      expect(await g.fail("downloadModel", { catalogId: "tiny-cancel" })).toMatchObject({ code: "conflict" });
      expect(await g.call("cancelDownload", { downloadId })).toEqual({ cancelled: true });
      const end = (await g.waitFor(finished(downloadId))).payload;
      expect(end.status).toBe("cancelled");
      expect(statSync(join(g.home, "models", "tiny-cancel.gguf.part")).size).toBe(1024);
      expect(await g.call("cancelDownload", { downloadId })).toEqual({ cancelled: false });
    } finally {
      await g.close();
    }
  });

  it("explains being offline when the server cannot be reached", async () => {
    const down = createServer();
    await new Promise<void>((r) => down.listen(0, "127.0.0.1", r));
    const port = (down.address() as AddressInfo).port;
    await new Promise((r) => down.close(r));
    const g = openStudio({ catalog: [item("tiny-off", null)], catalogUrl: `http://127.0.0.1:${port}` });
    try {
      const { downloadId } = await g.call("downloadModel", { catalogId: "tiny-off" });
      const end = (await g.waitFor(finished(downloadId))).payload;
      expect(end.status).toBe("failed");
      expect(end.error).toMatch(/could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
      expect(end.error).toMatch(/offline.*copy it onto this one, and add it/);
      expect(await g.fail("downloadModel", { catalogId: "nope" })).toMatchObject({ code: "not-found" });
    } finally {
      await g.close();
    }
  });
});
