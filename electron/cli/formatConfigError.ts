import type { z } from "zod";

/** One line naming each bad field (as the option that sets it, where known), the rule and the value given. */
export function formatConfigError(error: z.ZodError, names: Record<string, string> = {}): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String);
      const key = path.join(".");
      const field = names[key] ?? names[path.filter((p) => !/^\d+$/.test(p)).join(".")] ?? key;
      const given = "input" in issue && issue.input !== undefined ? ` (got ${JSON.stringify(issue.input)})` : "";
      return `${field}: ${issue.message}${given}`;
    })
    .join("; ");
}
