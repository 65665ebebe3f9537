import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../../electron/app/store/migrations";
import { openStore, type Db } from "../../../electron/app/store/openStore";

const dir = mkdtempSync(join(tmpdir(), "store-m6-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T = "2026-01-02T03:04:05.000Z";

/** A version-5 store with a project, a model, a dataset, two runs and every kind of row that points at a run. */
function v5Store(path: string): void {
  const db = openStore(path, { migrations: MIGRATIONS.slice(0, 5) });
  expect(db.pragma("user_version", { simple: true })).toBe(5);
  db.prepare("INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p1', 'clinic', ?, ?)").run(T, T);
  db.prepare("INSERT INTO base_models (id, path, sha256, architecture, parameters, quantization, added_at) VALUES ('m1', '/m.gguf', ?, 'llama', 1, 'F32', ?)").run("a".repeat(64), T);
  db.prepare("INSERT INTO datasets (id, project_id, name, created_at, example_count, files_json, redaction_json) VALUES ('d1', 'p1', 'faq', ?, 3, '[]', '{}')").run(T);
  const run = db.prepare(
    `INSERT INTO runs (id, project_id, base_model_id, dataset_id, out_dir, config_json, status, backend, worker_pid, step, total_steps, model_sha256, data_sha256, error_json, result_json, created_at, updated_at, started_at, ended_at)
     VALUES (?, 'p1', 'm1', 'd1', ?, '{"rank":8}', ?, 'wasm', ?, ?, 40, 'ms', 'ds', ?, ?, ?, ?, ?, ?)`,
  );
  run.run("r1", "/runs/r1", "finished", null, 40, null, '{"finalLoss":0.5}', T, T, T, T);
  run.run("r2", "/runs/r2", "interrupted", 4242, 12, '{"code":"WorkerDied","message":"gone","resumable":true}', null, T, T, T, null);
  db.prepare("INSERT INTO run_attempts (run_id, attempt, started_at, ended_at, from_step, status, cause, change_json) VALUES ('r2', 1, ?, ?, 0, 'interrupted', 'worker process gone', '{\"batch\":2}')").run(T, T);
  db.prepare("INSERT INTO run_metrics (run_id, step, loss, adapter_norm) VALUES ('r1', 1, 2.5, 0.25), ('r1', 2, 2.0, 0.5), ('r2', 1, 3.0, NULL)").run();
  db.prepare("INSERT INTO adapters (id, project_id, run_id, name, created_at) VALUES ('a1', 'p1', 'r1', 'faq adapter', ?)").run(T);
  db.prepare("INSERT INTO evaluations (id, project_id, run_id, adapter_id, kind, metrics_json, created_at) VALUES ('e1', 'p1', 'r1', 'a1', 'golden', '{}', ?)").run(T);
  db.prepare("INSERT INTO comparisons (id, project_id, prompt, a_output, b_output, created_at, run_id) VALUES ('c1', 'p1', 'hours?', 'a', 'b', ?, 'r1')").run(T);
  // Version 5 refuses 'paused': the reason for migration 6.
  expect(() => db.prepare("UPDATE runs SET status = 'paused' WHERE id = 'r2'").run()).toThrow(/CHECK/);
  db.close();
}

const count = (db: Db, table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe("migration 6: runs accept 'paused'", () => {
  it("rebuilds runs and run_attempts keeping every row, column, index and foreign key", () => {
    const path = join(dir, "v5.db");
    v5Store(path);
    const db = openStore(path);
    expect(db.pragma("user_version", { simple: true })).toBeGreaterThanOrEqual(6);
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.pragma("foreign_key_check")).toEqual([]);
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");

    // Every row and every column kept.
    expect(db.prepare("SELECT * FROM runs ORDER BY id").all()).toEqual([
      { id: "r1", project_id: "p1", base_model_id: "m1", dataset_id: "d1", out_dir: "/runs/r1", config_json: '{"rank":8}', status: "finished", backend: "wasm", worker_pid: null, step: 40, total_steps: 40, model_sha256: "ms", data_sha256: "ds", error_json: null, result_json: '{"finalLoss":0.5}', created_at: T, updated_at: T, started_at: T, ended_at: T },
      { id: "r2", project_id: "p1", base_model_id: "m1", dataset_id: "d1", out_dir: "/runs/r2", config_json: '{"rank":8}', status: "interrupted", backend: "wasm", worker_pid: 4242, step: 12, total_steps: 40, model_sha256: "ms", data_sha256: "ds", error_json: '{"code":"WorkerDied","message":"gone","resumable":true}', result_json: null, created_at: T, updated_at: T, started_at: T, ended_at: null },
    ]);
    expect(db.prepare("SELECT * FROM run_attempts").all()).toEqual([{ run_id: "r2", attempt: 1, started_at: T, ended_at: T, from_step: 0, status: "interrupted", cause: "worker process gone", change_json: '{"batch":2}' }]);
    // The rows that point at runs were not cascaded away by the rebuild.
    expect(count(db, "run_metrics")).toBe(3);
    expect(db.prepare("SELECT run_id FROM adapters").get()).toEqual({ run_id: "r1" });
    expect(db.prepare("SELECT run_id FROM evaluations").get()).toEqual({ run_id: "r1" });
    expect(db.prepare("SELECT run_id FROM comparisons").get()).toEqual({ run_id: "r1" });

    // Indexes and no leftover tables.
    const names = (db.prepare("SELECT name FROM sqlite_master ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(["runs_project", "runs_status", "runs", "run_attempts"]));
    expect(names.filter((n) => n.endsWith("_v6"))).toEqual([]);
    expect(db.prepare("EXPLAIN QUERY PLAN SELECT * FROM runs WHERE status = 'paused'").all().map((r) => (r as { detail: string }).detail).join(" ")).toMatch(/runs_status/);

    // 'paused' is accepted now, anything else still refused.
    db.prepare("UPDATE runs SET status = 'paused' WHERE id = 'r2'").run();
    db.prepare("UPDATE run_attempts SET status = 'paused' WHERE run_id = 'r2'").run();
    expect(() => db.prepare("UPDATE runs SET status = 'sleeping' WHERE id = 'r2'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE run_attempts SET status = 'sleeping' WHERE run_id = 'r2'").run()).toThrow(/CHECK/);
    // The UNIQUE out_dir and NOT NULL columns are still there.
    expect(() => db.prepare("INSERT INTO runs (id, out_dir, config_json, status, created_at, updated_at) VALUES ('r3', '/runs/r1', '{}', 'queued', ?, ?)").run(T, T)).toThrow(/UNIQUE/);

    // Foreign keys: from runs (project, model, dataset) and to runs (attempts, metrics), with their actions.
    expect(() => db.prepare("INSERT INTO runs (id, project_id, out_dir, config_json, status, created_at, updated_at) VALUES ('r4', 'nope', '/runs/r4', '{}', 'queued', ?, ?)").run(T, T)).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("INSERT INTO run_attempts (run_id, attempt, started_at) VALUES ('nope', 1, ?)").run(T)).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("INSERT INTO run_metrics (run_id, step) VALUES ('nope', 1)").run()).toThrow(/FOREIGN KEY/);
    db.prepare("DELETE FROM datasets WHERE id = 'd1'").run();
    expect(db.prepare("SELECT dataset_id FROM runs WHERE id = 'r1'").get()).toEqual({ dataset_id: null });
    db.prepare("DELETE FROM runs WHERE id = 'r2'").run();
    expect(count(db, "run_attempts")).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM run_metrics WHERE run_id = 'r2'").get()).toEqual({ n: 0 });
    db.prepare("DELETE FROM runs WHERE id = 'r1'").run();
    expect(db.prepare("SELECT run_id FROM adapters").get()).toEqual({ run_id: null });
    db.prepare("DELETE FROM projects WHERE id = 'p1'").run();
    expect(count(db, "runs")).toBe(0);
    db.close();
  });

  it("a fresh store accepts 'paused' too, and reopening does not migrate again", () => {
    const path = join(dir, "fresh.db");
    const db = openStore(path);
    db.prepare("INSERT INTO runs (id, out_dir, config_json, status, created_at, updated_at) VALUES ('r', '/r', '{}', 'paused', ?, ?)").run(T, T);
    db.close();
    const again = openStore(path);
    expect(again.prepare("SELECT status FROM runs").get()).toEqual({ status: "paused" });
    again.close();
  });

  it("a rebuild that would break a reference is rolled back whole, with foreign keys on again", () => {
    const path = join(dir, "broken.db");
    v5Store(path);
    const bad = [...MIGRATIONS.slice(0, 5), { version: 6, description: "drops a referenced table", foreignKeysOff: true, sql: "DELETE FROM runs WHERE id = 'r1';" }];
    expect(() => openStore(path, { migrations: bad })).toThrow(/migration 6 .*broken reference.*nothing was changed/);
    const db = openStore(path, { migrations: MIGRATIONS.slice(0, 5) });
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(count(db, "runs")).toBe(2);
    db.close();
  });
});
