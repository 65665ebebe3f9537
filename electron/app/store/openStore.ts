import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import Database from "better-sqlite3";
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from "./migrations";
import { StoreCorruptError, StoreError } from "./StoreError";

export type Db = Database.Database;

export interface OpenStoreOptions {
  /** Migrations to apply (tests pass a prefix to build an older schema). */
  migrations?: readonly Migration[];
  /** Clock for the backup file name (tests). */
  now?: () => Date;
}

/**
 * Opens (or creates) the store at `path`: WAL journal, foreign keys on, `PRAGMA integrity_check`, then any
 * pending migrations, each in a transaction with its user_version bump. A file that fails the check (or is not
 * a database) is copied to <name>.corrupt-<timestamp>.db and a StoreCorruptError names the copy and what to do.
 */
export function openStore(path: string, options: OpenStoreOptions = {}): Db {
  const migrations = options.migrations ?? MIGRATIONS;
  mkdirSync(dirname(path), { recursive: true });
  let db: Db | undefined;
  try {
    db = new Database(path);
    db.pragma("busy_timeout = 5000");
    // Note: journal_mode cannot change inside a transaction; it is the first thing done with the handle.
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    db.pragma("synchronous = NORMAL"); // WAL + NORMAL: a committed transaction survives a crash of the app (not of the OS)
    const problems = (db.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (problems.length !== 1 || problems[0] !== "ok") throw new IntegrityFailure(problems.slice(0, 5).join("; "));
  } catch (error) {
    db?.close();
    if (error instanceof IntegrityFailure || isCorruption(error)) throw corrupt(path, error as Error, options.now?.() ?? new Date());
    throw new StoreError(`cannot open the data store ${path}: ${(error as Error).message}; check that the folder is writable and not full`);
  }
  try {
    migrate(db, path, migrations);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function migrate(db: Db, path: string, migrations: readonly Migration[]): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new StoreError(`the data store ${path} has schema version ${current}, newer than this version of LoRA Studio knows (${SCHEMA_VERSION}); update LoRA Studio, or open another --home`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    const fkWasOn = db.pragma("foreign_keys", { simple: true }) === 1;
    if (m.foreignKeysOff) db.pragma("foreign_keys = OFF");
    try {
      db.transaction(() => {
        db.exec(m.sql);
        if (m.foreignKeysOff) {
          const broken = db.pragma("foreign_key_check") as { table: string; rowid: number; parent: string }[];
          if (broken.length > 0) {
            const first = broken[0]!;
            throw new StoreError(`migration ${m.version} of the data store ${path} would leave ${broken.length} broken reference(s) (first: ${first.table} row ${first.rowid} -> ${first.parent}); nothing was changed. Keep a copy of ${path} and report this`);
          }
        }
        db.pragma(`user_version = ${m.version}`);
      })();
    } finally {
      if (m.foreignKeysOff && fkWasOn) db.pragma("foreign_keys = ON");
    }
  }
}

class IntegrityFailure extends Error {}

function isCorruption(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? "";
  return code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB";
}

function corrupt(path: string, cause: Error, now: Date): StoreCorruptError {
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  const ext = extname(path);
  const backup = join(dirname(path), `${basename(path, ext)}.corrupt-${stamp}${ext || ".db"}`);
  copyFileSync(path, backup);
  for (const side of ["-wal", "-shm"]) if (existsSync(path + side)) copyFileSync(path + side, backup + side);
  return new StoreCorruptError(
    `the data store ${path} is damaged (${cause.message}); a copy was saved as ${backup}. ` +
      `Move ${path} away (or delete it) to start with an empty store, then re-import projects from their run folders; keep the copy for recovery (sqlite3 "${backup}" ".recover").`,
    path,
    backup,
  );
}
