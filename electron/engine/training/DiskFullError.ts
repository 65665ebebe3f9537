/** Error codes a write gets when the disk (or the user's quota, or the largest file size) is full. */
const FULL = new Set(["ENOSPC", "EDQUOT", "EFBIG"]);

export function isDiskFull(error: unknown): boolean {
  return FULL.has((error as { code?: string } | null)?.code ?? "");
}

/**
 * A run's file could not be written because the disk is full. The run stops as interrupted (resumable from its
 * last checkpoint); the message names the file and says what to do.
 */
export class DiskFullError extends Error {
  override name = "DiskFull";
  constructor(file: string, code: string, runDir: string) {
    super(`no space left to write ${file} (${code}); free some disk space, then continue with \`lora-studio train --resume ${runDir}\``);
  }
}
