import { join } from "node:path";
import { hasCheckpoint } from "../../engine/training/checkpointStore";
import type { Db } from "./openStore";
import { nowIso } from "./rows";
import { getRun, type Run } from "./runs";

/** Whether a process with this id is running (signal 0 tests without sending anything). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

/**
 * At start-up (and whenever a worker may have died unseen): every run recorded as running whose worker process is
 * gone becomes "interrupted", resumable from its last checkpoint, in one transaction. A paused run whose worker is
 * gone (the app ended without closing it) stays paused, resumable from the checkpoint its pause saved; only where
 * no checkpoint exists does it become interrupted like a running one. Returns the runs changed.
 * Note: a pid can be reused by an unrelated process after a reboot; such a run stays "running" until that process
 * ends, which errs on the side of not marking a live run dead.
 */
export function markInterruptedRuns(db: Db, isAlive: (pid: number) => boolean = pidAlive): Run[] {
  const rows = db.prepare("SELECT id, status, worker_pid, out_dir FROM runs WHERE status = 'running' OR (status = 'paused' AND worker_pid IS NOT NULL)").all() as { id: string; status: "running" | "paused"; worker_pid: number | null; out_dir: string }[];
  const dead = rows.filter((r) => r.worker_pid === null || !isAlive(r.worker_pid));
  const now = nowIso();
  db.transaction(() => {
    for (const r of dead) {
      // Only "resumable" where a checkpoint exists; otherwise resuming starts the run again from the beginning.
      const resumable = hasCheckpoint(join(r.out_dir, "checkpoints"));
      if (r.status === "paused" && resumable) {
        db.prepare("UPDATE runs SET worker_pid = NULL, updated_at = ? WHERE id = ?").run(now, r.id);
        db.prepare("UPDATE run_attempts SET status = 'paused', ended_at = ?, cause = coalesce(cause, 'paused; the app ended') WHERE run_id = ? AND ended_at IS NULL").run(now, r.id);
        continue;
      }
      const error = {
        code: "WorkerDied",
        message: `the training process${r.worker_pid ? ` (pid ${r.worker_pid})` : ""} ended without reporting (it was stopped, or the computer restarted); ${resumable ? `continue with \`lora-studio train --resume ${r.out_dir}\`` : `no checkpoint was saved yet, so resuming (\`lora-studio train --resume ${r.out_dir}\`) starts it again from the beginning`}`,
        resumable,
      };
      db.prepare("UPDATE runs SET status = 'interrupted', worker_pid = NULL, error_json = ?, ended_at = ?, updated_at = ? WHERE id = ?").run(JSON.stringify(error), now, now, r.id);
      db.prepare("UPDATE run_attempts SET status = 'interrupted', ended_at = ?, cause = coalesce(cause, 'worker process gone') WHERE run_id = ? AND ended_at IS NULL").run(now, r.id);
    }
  })();
  return dead.map((r) => getRun(db, r.id));
}
