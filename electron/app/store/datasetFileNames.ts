/** The user's files of a stored dataset (name, examples, sha256), as the report's data card names them. */
export function datasetFileNames(filesJson: string | null): { name: string; examples: number | null; sha256: string | null }[] {
  let files: unknown;
  try {
    files = JSON.parse(filesJson ?? "[]");
  } catch {
    return [];
  }
  if (!Array.isArray(files)) return [];
  return files.flatMap((f: { name?: unknown; examples?: unknown; sha256?: unknown }) =>
    typeof f?.name === "string" ? [{ name: f.name, examples: typeof f.examples === "number" ? f.examples : null, sha256: typeof f.sha256 === "string" ? f.sha256 : null }] : [],
  );
}
