/** The wizard's steps after the project list, in order. "evaluate" is the slot for issue 9's evaluation. */
export const STEPS = ["model", "data", "settings", "train", "compare", "evaluate", "export"] as const;
export type Step = (typeof STEPS)[number];

export type Route = { page: "projects" } | { page: "project"; projectId: string; step: Step };

/** Parses `#/project/<id>/<step>`; anything else is the project list. */
export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(safeDecode);
  if (parts[0] === "project" && parts[1]) {
    const step = (STEPS as readonly string[]).includes(parts[2] ?? "") ? (parts[2] as Step) : "model";
    return { page: "project", projectId: parts[1], step };
  }
  return { page: "projects" };
}

const lastStepKey = (projectId: string) => `loraStudio.lastStep.${projectId}`;

/** The step a project was last shown at (reopening it returns there); "model" for a project never opened. */
export function lastStep(projectId: string): Step {
  try {
    const s = localStorage.getItem(lastStepKey(projectId)) ?? "";
    return (STEPS as readonly string[]).includes(s) ? (s as Step) : "model";
  } catch {
    return "model";
  }
}

export function rememberStep(projectId: string, step: Step): void {
  try {
    localStorage.setItem(lastStepKey(projectId), step);
  } catch {
    // Storage full or off: reopening starts at the first step, nothing else is lost.
  }
}

export function formatHash(route: Route): string {
  return route.page === "projects" ? "#/" : `#/project/${encodeURIComponent(route.projectId)}/${route.step}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
