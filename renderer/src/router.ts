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
