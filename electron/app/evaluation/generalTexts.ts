import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The bundled general-text sample (plain English and Chinese written for the project), for the forgetting check. */
export const GENERAL_TEXT_DIR = resolve(fileURLToPath(new URL("../../../resources/general-text", import.meta.url)));

/** Each .txt file of the folder, its name (without .txt) as the language. */
export async function generalTexts(dir = GENERAL_TEXT_DIR): Promise<{ language: string; text: string }[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(".txt")).sort();
  return Promise.all(names.map(async (n) => ({ language: n.slice(0, -4), text: (await readFile(join(dir, n), "utf8")).trim() })));
}
