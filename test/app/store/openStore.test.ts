import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { openSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS, SCHEMA_VERSION } from "../../../electron/app/store/migrations";
import { openStore } from "../../../electron/app/store/openStore";
import { createProject, listProjects } from "../../../electron/app/store/projects";
import { resolveHome, storePath } from "../../../electron/app/store/resolveHome";
import { StoreCorruptError, StoreError } from "../../../electron/app/store/StoreError";

const dir = mkdtempSync(join(tmpdir(), "store-open-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("openStore", () => {
  it("creates the schema with WAL and foreign keys, and reopens without migrating again", () => {
    const path = join(dir, "fresh", "studio.db");
    const db = openStore(path);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(["projects", "base_models", "datasets", "examples", "runs", "run_attempts", "run_metrics", "adapters", "adapter_files", "chats", "messages", "comparisons", "ratings", "evaluations"]));
    createProject(db, { name: "clinic" });
    db.close();
    const again = openStore(path);
    expect(listProjects(again).map((p) => p.name)).toEqual(["clinic"]);
    again.close();
  });

  it("migrates an older store forward and keeps its data", () => {
    const path = join(dir, "old.db");
    const v1 = openStore(path, { migrations: MIGRATIONS.slice(0, 1) });
    expect(v1.pragma("user_version", { simple: true })).toBe(1);
    createProject(v1, { name: "law firm", language: "zh" });
    v1.close();
    const db = openStore(path);
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'examples_dataset_split'").get()).toBeTruthy();
    expect(listProjects(db)[0]).toMatchObject({ name: "law firm", language: "zh" });
    db.close();
  });

  it("rolls a failing migration back whole and says so", () => {
    const path = join(dir, "failing.db");
    const bad = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, description: "broken", sql: "CREATE TABLE extra (x); INSERT INTO nowhere VALUES (1);" }];
    expect(() => openStore(path, { migrations: bad })).toThrow(/nowhere/);
    const db = openStore(path);
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'extra'").get()).toBeUndefined();
    db.close();
  });

  it("refuses a store written by a newer version, naming both versions", () => {
    const path = join(dir, "newer.db");
    const db = openStore(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => openStore(path)).toThrow(StoreError);
    expect(() => openStore(path)).toThrow(new RegExp(`schema version ${SCHEMA_VERSION + 5}.*update LoRA Studio`));
  });

  it("backs up a file that is not a database and says where the copy is", () => {
    const sub = join(dir, "garbage");
    const path = join(sub, "studio.db");
    rmSync(sub, { recursive: true, force: true });
    openStore(path).close();
    const junk = Buffer.alloc(8192, 0x5a);
    writeFileSync(path, junk);
    let error: unknown;
    try {
      openStore(path, { now: () => new Date("2026-01-02T03:04:05.678Z") });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreCorruptError);
    const e = error as StoreCorruptError;
    expect(e.backupPath).toBe(join(sub, "studio.corrupt-2026-01-02T03-04-05-678Z.db"));
    expect(readFileSync(e.backupPath)).toEqual(junk);
    expect(e.message).toContain(e.backupPath);
    expect(e.message).toMatch(/Move .* away/);
  });

  it("fails the integrity check of a store with a damaged index page, keeping a copy", () => {
    const path = join(dir, "damaged.db");
    const db = openStore(path);
    const insert = db.prepare("INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, 'x', 'x')");
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(`id-${i}`, `project ${i}`);
    })();
    db.exec("CREATE INDEX projects_name ON projects(name)");
    const root = (db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'projects_name'").get() as { rootpage: number }).rootpage;
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    db.pragma("wal_checkpoint(TRUNCATE)");
    db.close();
    // Scramble the cells of the index's root page (keep its header so the file still opens).
    const fd = openSync(path, "r+");
    writeSync(fd, Buffer.alloc(pageSize - 200, 0x41), 0, pageSize - 200, (root - 1) * pageSize + 100);
    closeSync(fd);
    expect(() => openStore(path)).toThrow(StoreCorruptError);
    expect(readdirSync(dir).some((f) => f.startsWith("damaged.corrupt-") && f.endsWith(".db"))).toBe(true);
  });
});

describe("resolveHome", () => {
  it("prefers --home, then LORA_STUDIO_HOME, then the OS's app-data folder", () => {
    const env = { HOME: "/home/ana", LORA_STUDIO_HOME: "/data/ls" };
    expect(resolveHome({ home: "/tmp/h", env })).toBe("/tmp/h");
    expect(resolveHome({ env })).toBe("/data/ls");
    expect(resolveHome({ env: { HOME: "/home/ana" }, platform: "linux" })).toBe("/home/ana/.config/LoRA Studio");
    expect(resolveHome({ env: { HOME: "/home/ana", XDG_CONFIG_HOME: "/x" }, platform: "linux" })).toBe("/x/LoRA Studio");
    expect(resolveHome({ env: { HOME: "/Users/ana" }, platform: "darwin" })).toBe("/Users/ana/Library/Application Support/LoRA Studio");
    expect(resolveHome({ env: { HOME: "/u", APPDATA: "/appdata" }, platform: "win32" })).toMatch(/appdata.LoRA Studio$/);
    expect(storePath("/data/ls")).toBe("/data/ls/studio.db");
    expect(existsSync("/data/ls")).toBe(false); // resolving creates nothing
  });
});
