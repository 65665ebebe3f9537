import { describe, expect, it } from "vitest";
import { bestFinishedRun } from "../../../electron/app/api/projectsApi";
import type { Run } from "../../../electron/app/store/runs";

const run = (id: string, createdAt: string, bestValLoss: number | null) => ({ id, createdAt, endedAt: createdAt, result: bestValLoss === null ? null : { bestValLoss } }) as unknown as Run;

describe("a project's status is its best finished run", () => {
  it("takes the lowest validation loss, then the newest; none without a finished run", () => {
    expect(bestFinishedRun([])).toBeNull();
    expect(bestFinishedRun([run("a", "2026-12-01", 1.5), run("b", "2026-12-02", 0.9), run("c", "2026-12-03", 1.1)])?.id).toBe("b");
    expect(bestFinishedRun([run("a", "2026-12-01", null), run("b", "2026-12-02", null)])?.id).toBe("b");
    expect(bestFinishedRun([run("a", "2026-12-01", 2), run("b", "2026-12-02", null)])).toEqual({ id: "a", bestValLoss: 2, endedAt: "2026-12-01" });
  });
});
