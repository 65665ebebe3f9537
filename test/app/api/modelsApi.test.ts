import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DownloadProgress } from "../../../electron/contract/dto";
import type { StudioEvent } from "../../../electron/contract/StudioEvents";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { CATALOG, type CatalogItem } from "../../../electron/app/models/catalog";
import { openStudio } from "./studioFixture";

let server: Server;
let httpServer: ReturnType<typeof createHttpServer>;
let base = "";
let httpBase = "";
let cert = "";
let model: Buffer;
let sha = "";
/** Requests seen, and how the next full transfer misbehaves. */
const seen: { url: string; range: string | undefined }[] = [];
let cutNext = false;
let stallNext = false;
/** Serve a file cut in half as if it were whole (a damaged copy on a mirror): the length header says half. */
let truncateNext = false;
const httpSeen: string[] = [];

const item = (id: string, sha256: string | null, bytes = model.length): CatalogItem => ({ id, name: id, family: "qwen", parameters: "tiny", quantization: "F32", file: `${id}.gguf`, bytes, sha256, url: `https://example.invalid/${id}.gguf`, license: "test" });

const f = openStudio();
const dir = join(f.home, "..", `${f.home.split("/").pop()}-files`);

function serveModel(req: IncomingMessage, res: ServerResponse) {
  seen.push({ url: req.url!, range: req.headers.range });
  if (req.url!.startsWith("/redirect-to-http/")) {
    res.writeHead(302, { location: `${httpBase}/${req.url!.split("/").pop()}` });
    return res.end();
  }
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
  const start = m ? Number(m[1]) : 0;
  let body = req.url!.includes("not-gguf") ? Buffer.from("these are not weights") : model.subarray(start);
  if (truncateNext) {
    truncateNext = false;
    body = body.subarray(0, Math.floor(body.length / 2));
  }
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
}

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  await makeTinyModel({ arch: "qwen2", preset: "tiny", out: join(dir, "tiny.gguf"), seed: 3 });
  model = readFileSync(join(dir, "tiny.gguf"));
  sha = createHash("sha256").update(model).digest("hex");
  // A self-signed certificate for 127.0.0.1, made now; the studio trusts it through its catalogCa option only.
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
  cert = readFileSync(join(dir, "cert.pem"), "utf8");
  server = createServer({ key: readFileSync(join(dir, "key.pem")), cert }, serveModel);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  httpServer = createHttpServer((req, res) => {
    httpSeen.push(req.url!);
    res.end(model);
  });
  await new Promise<void>((r) => httpServer.listen(0, "127.0.0.1", r));
  httpBase = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await f.close();
  server.closeAllConnections();
  server.close();
  httpServer.closeAllConnections();
  httpServer.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A studio whose catalog is `items`, served by the local https server, whose certificate it trusts. */
const trusting = (items: CatalogItem[], extra: Parameters<typeof openStudio>[0] = {}) => openStudio({ catalog: items, catalogUrl: base, catalogCa: cert, ...extra });
const finished = (downloadId: string) => (e: StudioEvent): e is Extract<StudioEvent, { event: "download.progress" }> =>
  e.event === "download.progress" && e.payload.downloadId === downloadId && ["done", "failed", "cancelled"].includes(e.payload.status);

/** Nothing of `file` is left in the studio's models folder: neither the file nor a part. */
const leftBehind = (home: string, file: string) => readdirSync(join(home, "models")).filter((n) => n.startsWith(file));

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

describe("the built-in catalog", () => {
  it("carries each file's exact size and, where published, its sha256, on https Hugging Face URLs", () => {
    for (const e of CATALOG) {
      expect(e.url, e.id).toMatch(/^https:\/\/huggingface\.co\/.+\/resolve\/(main|[0-9a-f]{40})\/.+\.gguf$/);
      expect(e.url.endsWith(`/${e.file}`), e.id).toBe(true);
      expect(e.bytes, e.id).toBeGreaterThan(100_000_000);
      if (e.sha256 !== null) {
        expect(e.sha256, e.id).toMatch(/^[0-9a-f]{64}$/);
        // A hash is only right for one version of the file: its URL is pinned to a commit.
        expect(e.url, e.id).toMatch(/\/resolve\/[0-9a-f]{40}\//);
      }
    }
    expect(CATALOG.filter((e) => e.sha256 !== null).length).toBeGreaterThanOrEqual(4);
  });
});

describe("downloads from the catalog", () => {
  it("lists the built-in catalog, or under LORA_STUDIO_CATALOG_URL", async () => {
    const list = await f.call("listCatalog", {});
    expect(list.length).toBeGreaterThanOrEqual(3);
    for (const e of list) expect(e.url).toMatch(/^https:\/\/huggingface\.co\/.+\/resolve\/.+\.gguf$/);
    process.env.LORA_STUDIO_CATALOG_URL = "https://mirror.local/models/";
    try {
      expect((await f.call("listCatalog", {}))[0]!.url).toBe(`https://mirror.local/models/${list[0]!.url.split("/").pop()}`);
    } finally {
      delete process.env.LORA_STUDIO_CATALOG_URL;
    }
  });

  it("downloads over https, resumes an interrupted transfer with a Range request, checks size and hash and registers the model", async () => {
    const g = trusting([item("tiny-good", sha)]);
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
      expect(done).toMatchObject({ status: "done", receivedBytes: model.length, totalBytes: model.length, error: null, sha256: sha, verified: true });
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
    const g = trusting([item("tiny-bad", "0".repeat(64))]);
    try {
      const { downloadId } = await g.call("downloadModel", { catalogId: "tiny-bad" });
      const end = (await g.waitFor(finished(downloadId))).payload;
      expect(end.status).toBe("failed");
      expect(end.error).toContain(`sha256 is ${sha}, but ${"0".repeat(64)} was expected`);
      expect(end.error).toMatch(/was deleted/);
      expect(leftBehind(g.home, "tiny-bad")).toEqual([]);
      expect(await g.call("listModels", {})).toEqual([]);
    } finally {
      await g.close();
    }
  });

  it("deletes a truncated file (shorter than the catalog's size though the server called it whole), and says so", async () => {
    const g = trusting([item("tiny-short", sha)]);
    try {
      truncateNext = true;
      const { downloadId } = await g.call("downloadModel", { catalogId: "tiny-short" });
      const end = (await g.waitFor(finished(downloadId))).payload;
      expect(end.status).toBe("failed");
      expect(end.error).toBe(`the downloaded file is ${Math.floor(model.length / 2)} bytes, but the catalog lists ${model.length} bytes for it: it is cut short, and was deleted. Download it again; if this repeats, the server's copy differs from the catalog`);
      expect(leftBehind(g.home, "tiny-short")).toEqual([]);
      expect(await g.call("listModels", {})).toEqual([]);
    } finally {
      await g.close();
    }
  });

  it("refuses a plain http address before fetching anything, and says how to allow a mirror inside the network", async () => {
    const before = httpSeen.length;
    const g = openStudio({ catalog: [item("tiny-http", sha)], catalogUrl: httpBase });
    try {
      const { downloadId } = await g.call("downloadModel", { catalogId: "tiny-http" });
      const end = (await g.waitFor(finished(downloadId))).payload;
      expect(end.status).toBe("failed");
      expect(end.error).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/tiny-http\.gguf is plain http: the model would travel unencrypted .* start LoRA Studio with --insecure-catalog \(or set LORA_STUDIO_INSECURE_CATALOG=1\)$/);
      expect(httpSeen.length).toBe(before);
      expect(leftBehind(g.home, "tiny-http")).toEqual([]);
      expect(await g.call("listModels", {})).toEqual([]);
    } finally {
      await g.close();
    }
  });

  it("refuses a redirect from https down to http, and a server whose certificate it does not trust", async () => {
    const g = trusting([{ ...item("tiny-down", sha), url: `${base}/redirect-to-http/tiny-down.gguf` }], { catalogUrl: "" });
    const h = openStudio({ catalog: [item("tiny-untrusted", sha)], catalogUrl: base });
    try {
      const before = httpSeen.length;
      const down = (await g.waitFor(finished((await g.call("downloadModel", { catalogId: "tiny-down" })).downloadId))).payload;
      expect(down.error).toMatch(/tiny-down\.gguf is plain http/);
      expect(httpSeen.length).toBe(before);
      const untrusted = (await h.waitFor(finished((await h.call("downloadModel", { catalogId: "tiny-untrusted" })).downloadId))).payload;
      expect(untrusted.status).toBe("failed");
      expect(untrusted.error).toMatch(/^the certificate of 127\.0\.0\.1:\d+ could not be verified \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\), so nothing was downloaded.*NODE_EXTRA_CA_CERTS/);
      expect(leftBehind(g.home, "tiny-down")).toEqual([]);
      expect(leftBehind(h.home, "tiny-untrusted")).toEqual([]);
    } finally {
      await g.close();
      await h.close();
    }
  });

  it("with --insecure-catalog, takes a plain-http mirror (warning) and still checks size and hash", async () => {
    const g = openStudio({ catalog: [item("tiny-mirror", sha)], catalogUrl: httpBase, insecureCatalog: true });
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (line: string) => void warnings.push(line);
    try {
      const { downloadId } = await g.call("downloadModel", { catalogId: "tiny-mirror" });
      const end = (await g.waitFor(finished(downloadId))).payload;
      expect(end).toMatchObject({ status: "done", sha256: sha, verified: true });
      expect(warnings.join("\n")).toMatch(/over plain http \(insecure catalog mirror allowed\)/);
    } finally {
      console.warn = warn;
      await g.close();
    }
  });

  it("without a known hash, validates the file as GGUF, records and reports its sha256, or deletes what is no model", async () => {
    const g = trusting([item("tiny-nohash", null), { ...item("not-gguf", null, 0) }]);
    try {
      const ok = (await g.waitFor(finished((await g.call("downloadModel", { catalogId: "tiny-nohash" })).downloadId))).payload;
      expect(ok).toMatchObject({ status: "done", sha256: sha, verified: false });
      expect((await g.call("listModels", {})).map((m) => m.id)).toEqual([ok.modelId]);
      const bad = (await g.waitFor(finished((await g.call("downloadModel", { catalogId: "not-gguf" })).downloadId))).payload;
      expect(bad.status).toBe("failed");
      expect(bad.error).toMatch(/is not a complete GGUF model \(.+\), and was deleted/);
      expect(leftBehind(g.home, "not-gguf")).toEqual([]);
    } finally {
      await g.close();
    }
  });

  it("cancels a running download and keeps the part for a later resume", async () => {
    const g = trusting([item("tiny-cancel", null)]);
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
    const down = createHttpServer();
    await new Promise<void>((r) => down.listen(0, "127.0.0.1", r));
    const port = (down.address() as AddressInfo).port;
    await new Promise((r) => down.close(r));
    const g = openStudio({ catalog: [item("tiny-off", null)], catalogUrl: `https://127.0.0.1:${port}` });
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
