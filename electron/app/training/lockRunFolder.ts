import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from "node:fs";
import { mkdir, open, readFile, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { pidAlive } from "../store/markInterruptedRuns";
import { TrainInputError } from "./TrainInputError";

/** DIR/.lock: who is writing into a run folder. */
interface LockOwner {
  pid: number;
  host: string;
  /** This boot of the machine (Linux): a pid from an earlier boot is not the same process. */
  boot: string | null;
  since: string;
  command: string;
}

/** Another process is training into the run folder. */
export class RunFolderBusyError extends TrainInputError {
  override name = "RunFolderBusy";
}

export interface RunFolderLock {
  readonly path: string;
  release(): void;
}

function bootId(): string | null {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return null;
  }
}

/**
 * Takes the run folder's lock for this process, or throws RunFolderBusyError naming the folder and the process
 * that holds it. The lock is created with O_EXCL (one creator wins); a lock whose process is gone (dead pid, or
 * an earlier boot) is renamed aside (one renamer wins) and taken over. A lock from another host is respected,
 * since its process cannot be checked from here.
 */
export async function lockRunFolder(outDir: string, options: { isAlive?: (pid: number) => boolean; command?: string } = {}): Promise<RunFolderLock> {
  const dir = resolve(outDir);
  const isAlive = options.isAlive ?? pidAlive;
  // A folder made only for the lock is removed again on release when nothing else was written into it.
  const created = !existsSync(dir);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new TrainInputError(`output folder ${dir} is not writable (${(error as Error).message.split("\n")[0]}); choose another --out folder`);
  }
  const path = join(dir, ".lock");
  const me: LockOwner = { pid: process.pid, host: hostname(), boot: bootId(), since: new Date().toISOString(), command: options.command ?? process.argv.slice(1).join(" ") };
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const handle = await open(path, "wx");
      try {
        await handle.writeFile(JSON.stringify(me) + "\n");
      } finally {
        await handle.close();
      }
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          try {
            const owner = JSON.parse(readFileSync(path, "utf8")) as LockOwner;
            if (owner.pid === me.pid && owner.since === me.since) rmSync(path, { force: true });
          } catch {
            // gone already
          }
          try {
            if (created && readdirSync(dir).length === 0) rmdirSync(dir);
          } catch {
            // in use again, or gone
          }
        },
      };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") throw new TrainInputError(`output folder ${dir} is not writable (${code ?? (error as Error).message}); choose another --out folder`);
    }
    const owner = await readOwner(path);
    if (owner && (owner.host !== me.host || ((owner.boot === null || owner.boot === me.boot) && isAlive(owner.pid)))) {
      throw new RunFolderBusyError(
        `${dir} is being trained by another process (pid ${owner.pid}${owner.host !== me.host ? ` on ${owner.host}` : ""}, since ${owner.since}); wait for it to end, or stop it first`,
      );
    }
    if (!owner && (await recentlyWritten(path))) {
      await new Promise((r) => setTimeout(r, 200)); // a writer between creating the lock and filling it in
      continue;
    }
    // Stale (its process is gone), or unreadable: removed under a second O_EXCL file, so that of two processes
    // taking it over only one removes it (the other could otherwise remove the first one's fresh lock).
    await takeOver(path, owner);
  }
  throw new RunFolderBusyError(`${dir} is being locked by other processes at the same time; try again`);
}

async function takeOver(path: string, stale: LockOwner | null): Promise<void> {
  const guard = `${path}.takeover`;
  let handle;
  try {
    handle = await open(guard, "wx");
  } catch {
    // Someone else is taking it over; a guard left by a process that died mid-takeover is old and removed.
    const s = await stat(guard).catch(() => null);
    if (s && Date.now() - s.mtimeMs > 10_000) await rm(guard, { force: true });
    await new Promise((r) => setTimeout(r, 50));
    return;
  }
  try {
    await handle.close();
    const now = await readOwner(path);
    if (JSON.stringify(now) === JSON.stringify(stale)) await rm(path, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}

async function recentlyWritten(path: string): Promise<boolean> {
  const s = await stat(path).catch(() => null);
  return s !== null && Date.now() - s.mtimeMs < 2000;
}

async function readOwner(path: string): Promise<LockOwner | null> {
  try {
    const owner = JSON.parse(await readFile(path, "utf8")) as LockOwner;
    return typeof owner.pid === "number" ? owner : null;
  } catch {
    return null;
  }
}

/** Whether a live process holds the run folder's lock (readers then trust a "running" run.json). */
export function runFolderLocked(outDir: string, isAlive: (pid: number) => boolean = pidAlive): boolean {
  try {
    const owner = JSON.parse(readFileSync(join(resolve(outDir), ".lock"), "utf8")) as LockOwner;
    return owner.host !== hostname() || ((owner.boot === null || owner.boot === bootId()) && isAlive(owner.pid));
  } catch {
    return false;
  }
}
