import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/runCli";

const dir = mkdtempSync(join(tmpdir(), "projects-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("lora-studio projects", () => {
  it("creates and lists projects in the store under --home or LORA_STUDIO_HOME", async () => {
    const home = join(dir, "home");
    const created = await runCli(["projects", "create", "--name", "Clinic QA", "--domain", "clinic", "--language", "zh", "--home", home, "--json"]);
    expect(created.code, created.stderr).toBe(0);
    const { project } = JSON.parse(created.stdout);
    expect(project).toMatchObject({ name: "Clinic QA", domain: "clinic", language: "zh" });
    expect(existsSync(join(home, "studio.db"))).toBe(true);

    const listed = await runCli(["projects", "list", "--json"], { ...process.env, LORA_STUDIO_HOME: home });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).projects).toEqual([{ ...project, runs: 0 }]);

    const text = await runCli(["projects", "--home", home]);
    expect(text.stdout).toContain(`${project.id}  Clinic QA (clinic)  0 runs`);

    const missing = await runCli(["projects", "delete", "--id", "nope", "--home", home, "--json"]);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).error).toMatchObject({ code: "NotFoundError", message: expect.stringMatching(/no project with id nope/) });
    const usage = await runCli(["projects", "create", "--home", home]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/missing --name/);
  });
});
