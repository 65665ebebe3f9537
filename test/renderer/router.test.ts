import { describe, expect, it } from "vitest";
import { formatHash, parseHash, STEPS } from "../../renderer/src/router";
import { backoffMs } from "../../renderer/src/api/backoff";
import { parseFieldText, validateField } from "../../renderer/src/settingsFields";

describe("hash router", () => {
  it("parses the project list", () => {
    expect(parseHash("")).toEqual({ page: "projects" });
    expect(parseHash("#/")).toEqual({ page: "projects" });
    expect(parseHash("#/nonsense")).toEqual({ page: "projects" });
  });
  it("parses a project step and defaults to the model step", () => {
    expect(parseHash("#/project/p1/data")).toEqual({ page: "project", projectId: "p1", step: "data" });
    expect(parseHash("#/project/p1")).toEqual({ page: "project", projectId: "p1", step: "model" });
    expect(parseHash("#/project/p1/bogus")).toEqual({ page: "project", projectId: "p1", step: "model" });
  });
  it("round-trips every step, with ids that need encoding", () => {
    for (const step of STEPS) {
      const route = { page: "project" as const, projectId: "a b/ç", step };
      expect(parseHash(formatHash(route))).toEqual(route);
    }
    expect(formatHash({ page: "projects" })).toBe("#/");
  });
  it("keeps the evaluate slot between compare and export", () => {
    expect(STEPS.indexOf("evaluate")).toBe(STEPS.indexOf("compare") + 1);
    expect(STEPS.indexOf("export")).toBe(STEPS.indexOf("evaluate") + 1);
  });
});

describe("reconnect backoff", () => {
  it("doubles from 0.5 s to at most 10 s", () => {
    expect([0, 1, 2, 3, 4, 5, 10].map(backoffMs)).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000]);
  });
});

describe("advanced settings validation", () => {
  it("reads numbers and reports the schema's message", () => {
    expect(parseFieldText("16")).toBe(16);
    expect(parseFieldText("2e-4")).toBe(0.0002);
    expect(parseFieldText("abc")).toBe("abc");
    expect(validateField("rank", 16)).toBeNull();
    expect(validateField("rank", 0)).toMatch(/>=\s*1|too small/i);
    expect(validateField("rank", 1.5)).not.toBeNull();
    expect(validateField("lr", "abc")).not.toBeNull();
    expect(validateField("targets", [])).not.toBeNull();
    expect(validateField("targets", ["q", "v"])).toBeNull();
  });
});
