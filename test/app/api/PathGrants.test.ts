import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PathGrants } from "../../../electron/app/api/PathGrants";
import { openStudio } from "./studioFixture";

// Issue 17.2 and 17.7: a symbolic link at any level of a path must not lead out of the granted folders, whether
// or not the rest of the path exists yet; and outside them, "missing" and "forbidden" look the same.
let root: string;
let home: string;
let outside: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "grants-"));
  home = join(root, "home");
  outside = join(root, "outside");
  mkdirSync(join(home, "a"), { recursive: true });
  mkdirSync(join(outside, "deep"), { recursive: true });
  writeFileSync(join(outside, "secret.txt"), "secret");
  writeFileSync(join(home, "inside.txt"), "fine");
  symlinkSync(outside, join(home, "link"));
  symlinkSync(outside, join(home, "a", "link"));
  symlinkSync(join(outside, "secret.txt"), join(home, "filelink"));
  symlinkSync(join(outside, "gone", "nowhere"), join(home, "dangling"));
  symlinkSync(join(home, "a"), join(home, "inlink"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("PathGrants through symbolic links", () => {
  it("refuses a path that does not exist yet below a link leading out, at every level", () => {
    const g = new PathGrants([home]);
    for (const p of [
      join(home, "link", "newdir"),
      join(home, "link", "deep", "new", "newer"),
      join(home, "a", "link", "b", "newdir"),
      join(home, "filelink", "newdir"),
      join(home, "filelink"),
      join(home, "dangling"),
      join(home, "dangling", "newdir"),
      join(home, "link", "secret.txt"),
    ]) {
      expect(g.allows(p), p).toBe(false);
      expect(() => g.check(p), p).toThrow(expect.objectContaining({ code: "forbidden" }));
    }
    // Links that stay inside, and new folders in plain ones, are fine.
    for (const p of [join(home, "newdir", "x"), join(home, "a", "new"), join(home, "inlink", "new", "deeper"), join(home, "inside.txt")]) expect(g.allows(p), p).toBe(true);
  });

  it("through a link, a missing file and an existing one outside are both forbidden (nothing tells which exists)", () => {
    const g = new PathGrants([home]);
    const errors = [join(home, "link", "secret.txt"), join(home, "link", "missing.txt")].map((p) => {
      try {
        g.check(p);
        return null;
      } catch (e) {
        return (e as { code: string }).code;
      }
    });
    expect(errors).toEqual(["forbidden", "forbidden"]);
  });

  it("refuses NUL bytes, over-long paths and parent steps as invalid-input", () => {
    const g = new PathGrants([home]);
    for (const p of [`${home}/a\u0000b`, `${home}/${"é".repeat(3000)}`, `${home}/${"x".repeat(256)}`, `${home}/link/../inside.txt`]) {
      expect(() => g.check(p), p).toThrow(expect.objectContaining({ code: "invalid-input" }));
      expect(g.allows(p)).toBe(false);
      expect(() => g.grant(p)).toThrow(expect.objectContaining({ code: "invalid-input" }));
    }
  });

  it("keeps the list bounded: paths inside a fixed root add nothing, the oldest choice goes first, revoke drops one", () => {
    const g = new PathGrants([home], 3);
    for (let i = 0; i < 10; i++) g.grant(join(home, `upload-${i}.txt`));
    expect(g.size).toBe(0);
    const chosen = [0, 1, 2, 3].map((i) => {
      const d = join(root, `chosen-${i}`);
      mkdirSync(d, { recursive: true });
      return d;
    });
    for (const d of chosen) g.grant(d);
    expect(g.size).toBe(3);
    expect(g.allows(join(chosen[0]!, "f"))).toBe(false);
    expect(g.allows(join(chosen[3]!, "f"))).toBe(true);
    g.revoke(chosen[3]!);
    expect(g.allows(join(chosen[3]!, "f"))).toBe(false);
    expect(g.allows(join(home, "f"))).toBe(true);
  });
});

describe("exportRun's outDir (issue 17.2)", () => {
  it("is checked before any work, through links at every level, and nothing is created or granted outside", async () => {
    const f = openStudio();
    try {
      symlinkSync(outside, join(f.home, "link"));
      mkdirSync(join(f.home, "a"));
      symlinkSync(outside, join(f.home, "a", "link"));
      symlinkSync(join(outside, "secret.txt"), join(f.home, "filelink"));
      symlinkSync(join(outside, "gone", "nowhere"), join(f.home, "dangling"));
      const runId = "00000000-0000-4000-8000-000000000000";
      for (const outDir of [join(f.home, "link", "newdir"), join(f.home, "a", "link", "b", "newdir"), join(f.home, "filelink", "newdir"), join(f.home, "dangling"), join(f.home, "dangling", "newdir")]) {
        const error = await f.fail("exportRun", { runId, formats: ["peft"], outDir });
        expect(error.code, outDir).toBe("forbidden");
        expect(f.studio.grants.allows(join(outside, "newdir"))).toBe(false);
      }
      expect(existsSync(join(outside, "newdir"))).toBe(false);
      expect(existsSync(join(outside, "gone"))).toBe(false);
      // A folder inside home passes the check and the call goes on to look up the run.
      expect((await f.fail("exportRun", { runId, formats: ["peft"], outDir: join(f.home, "exports", "new") })).code).toBe("not-found");
      expect((await f.fail("exportRun", { runId, formats: ["peft"], outDir: `${f.home}/x\u0000y` })).code).toBe("invalid-input");
    } finally {
      await f.close();
    }
  });
});
