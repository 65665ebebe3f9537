/** One writer per run folder: O_EXCL lock with the owner's pid; a dead owner's lock is taken over safely. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lockRunFolder, runFolderLocked } from "../../../electron/app/training/lockRunFolder";

const dir = mkdtempSync(join(tmpdir(), "run-lock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("lockRunFolder", () => {
  it("refuses a second writer with one line naming the folder and the process, and frees the folder on release", async () => {
    const out = join(dir, "a");
    const lock = await lockRunFolder(out);
    expect(JSON.parse(readFileSync(lock.path, "utf8"))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(runFolderLocked(out)).toBe(true);
    await expect(lockRunFolder(out)).rejects.toMatchObject({ name: "RunFolderBusy", message: expect.stringMatching(new RegExp(`^${out} is being trained by another process \\(pid ${process.pid}, since [^)]+\\); wait for it to end, or stop it first$`)) });
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
    expect(runFolderLocked(out)).toBe(false);
    (await lockRunFolder(out)).release();
  });

  it("takes over the lock of a process that is gone, and exactly one of two racing takers wins", async () => {
    const out = join(dir, "b");
    mkdirSync(out);
    writeFileSync(join(out, ".lock"), JSON.stringify({ pid: 999_999_999, host: hostname(), boot: null, since: "2020-01-01T00:00:00Z", command: "train" }));
    expect(runFolderLocked(out)).toBe(false);
    const results = await Promise.allSettled([lockRunFolder(out), lockRunFolder(out)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { name: "RunFolderBusy" } });
    expect(JSON.parse(readFileSync(join(out, ".lock"), "utf8")).pid).toBe(process.pid);
  });

  it("respects a lock held on another machine (its process cannot be checked from here)", async () => {
    const out = join(dir, "c");
    mkdirSync(out);
    writeFileSync(join(out, ".lock"), JSON.stringify({ pid: 999_999_999, host: "elsewhere", boot: null, since: "2020-01-01T00:00:00Z", command: "train" }));
    await expect(lockRunFolder(out)).rejects.toThrow(`${out} is being trained by another process (pid 999999999 on elsewhere, since 2020-01-01T00:00:00Z)`);
  });
});
