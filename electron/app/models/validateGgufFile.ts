import { openGguf } from "../../engine/gguf/GgufFile";

/**
 * Reads a file as GGUF (header, metadata, tensor table, and every tensor's data inside the file: the engine's
 * reader checks all of that on open) and returns what is wrong with it, or null when it is a whole GGUF model.
 */
export async function validateGgufFile(path: string): Promise<string | null> {
  try {
    const file = await openGguf(path);
    try {
      if (file.tensors.length === 0) return "it has no tensors";
      file.string("general.architecture");
      return null;
    } finally {
      await file.close();
    }
  } catch (error) {
    return (error as Error).message.replace(`${path}: `, "").split("\n")[0]!;
  }
}
