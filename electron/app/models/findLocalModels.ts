import { open, readdir, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, join } from "node:path";
import type { LocalModelCandidate } from "../../contract/dto";

export interface ModelRoot {
  path: string;
  source: LocalModelCandidate["source"];
}

/** Where other local-LLM apps keep their GGUF files, and the user's downloads. */
export function defaultModelRoots(appModels: string, home = homedir()): ModelRoot[] {
  return [
    { path: join(home, ".lmstudio", "models"), source: "lm-studio" },
    { path: join(home, ".cache", "lm-studio", "models"), source: "lm-studio" },
    { path: join(home, ".ollama", "models", "blobs"), source: "ollama" },
    { path: join(home, "jan", "models"), source: "jan" },
    { path: join(home, "Library", "Application Support", "Jan", "data", "models"), source: "jan" },
    { path: join(home, ".config", "Jan", "data", "models"), source: "jan" },
    { path: join(home, "AppData", "Roaming", "Jan", "data", "models"), source: "jan" },
    { path: join(home, "Downloads"), source: "downloads" },
    { path: appModels, source: "app" },
  ];
}

const MAX_DEPTH = 5;
const MAX_FILES_SEEN = 20_000;

/**
 * GGUF files under the roots: `.gguf` files, and in Ollama's blob folder (whose files have no extension) every file
 * that starts with the GGUF magic. Unreadable folders are skipped; nothing is followed out of a root by links.
 */
export async function findLocalModels(roots: readonly ModelRoot[]): Promise<LocalModelCandidate[]> {
  const found: LocalModelCandidate[] = [];
  const seen = new Set<string>();
  let budget = MAX_FILES_SEEN;
  const walk = async (dir: string, root: ModelRoot, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (--budget < 0) return;
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < MAX_DEPTH && !e.name.startsWith(".")) await walk(path, root, depth + 1);
        continue;
      }
      if (!e.isFile() || seen.has(path)) continue;
      const byName = e.name.toLowerCase().endsWith(".gguf");
      if (!byName && root.source !== "ollama") continue;
      if (!(await hasGgufMagic(path))) continue;
      const s = await stat(path).catch(() => null);
      if (!s) continue;
      seen.add(path);
      found.push({ path, name: byName ? e.name.replace(/\.gguf$/i, "") : `Ollama blob ${e.name.slice(0, 19)}`, source: root.source, bytes: s.size });
    }
  };
  for (const root of roots) await walk(root.path, root, 0);
  return found.sort((a, b) => a.source.localeCompare(b.source) || basename(a.path).localeCompare(basename(b.path)));
}

/** Whether a file starts with "GGUF" (every GGUF file does; Ollama's blobs have no extension to tell). */
export async function hasGgufMagic(path: string): Promise<boolean> {
  const file = await open(path, "r").catch(() => null);
  if (!file) return false;
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await file.read(buf, 0, 4, 0);
    return bytesRead === 4 && buf.toString("latin1") === "GGUF";
  } finally {
    await file.close();
  }
}
