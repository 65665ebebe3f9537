import { describe, expect, it } from "vitest";
import { dispatch, toApiError } from "../../../electron/app/api/dispatch";
import { openStudio } from "./studioFixture";

// Issue 17.4: errors reach every door (IPC, HTTP, WebSocket all go through dispatch) with code, message and safe
// details only: no stack, no absolute source paths.
describe("dispatch's errors", () => {
  it("an unexpected error is internal with its name, without stack or source paths", async () => {
    const f = openStudio();
    try {
      const error = new TypeError("cannot read x");
      error.stack = `TypeError: cannot read x\n    at fileRef (/work/main/electron/app/api/fileRef.ts:6:20)\n    at file:///work/main/electron/app/api/dataApi.ts:40:7`;
      f.studio.api.listProjects = async () => {
        throw error;
      };
      const r = await dispatch(f.studio.api, "listProjects", {});
      expect(r).toEqual({ ok: false, error: { code: "internal", message: "cannot read x", details: { name: "TypeError" } } });
    } finally {
      await f.close();
    }
  });

  it("a message quoting a source file loses the path; Node's argument checks are invalid-input", () => {
    const quoted = toApiError(new Error("Cannot find module '/work/main/electron/app/x.js' imported from /work/main/electron/app/api/y.ts:3:1\nsecond line"));
    expect(quoted.message).toBe("Cannot find module '<app>' imported from <app>");
    const nul = toApiError(Object.assign(new TypeError("The argument 'path' must be a string without null bytes"), { code: "ERR_INVALID_ARG_VALUE" }));
    expect(nul.code).toBe("invalid-input");
    expect(toApiError(Object.assign(new Error("ENAMETOOLONG: name too long, open 'x'"), { code: "ENAMETOOLONG" })).code).toBe("invalid-input");
    expect(JSON.stringify(toApiError("a string thrown"))).not.toContain("a string thrown");
  });

  it("a NUL byte or an over-long path in any path parameter is invalid-input", async () => {
    const f = openStudio();
    try {
      const bad = [`${f.home}/a\u0000b.gguf`, `${f.home}/${"é".repeat(3000)}`];
      for (const path of bad) {
        for (const [method, params] of [
          ["addModel", { path }],
          ["previewData", { paths: [path] }],
          ["importGoldenQuestions", { projectId: "p", path }],
          ["exportRun", { runId: "r", formats: ["peft"], outDir: path }],
        ] as const) {
          const r = await dispatch(f.studio.api, method, params);
          expect(r.ok, method).toBe(false);
          const error = (r as { error: { code: string } }).error;
          expect([method, error.code]).toEqual([method, "invalid-input"]);
          expect(JSON.stringify(r)).not.toMatch(/stack|\.ts:\d/);
        }
      }
    } finally {
      await f.close();
    }
  });
});
