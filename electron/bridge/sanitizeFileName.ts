/** Longest name written, in UTF-8 bytes: file systems count bytes (255 on ext4, APFS, NTFS in practice). */
export const MAX_FILE_NAME_BYTES = 255;

/**
 * A browser-supplied file name made safe to write: no folders, no control or reserved characters (Windows
 * included), no leading dots, at most 255 bytes in UTF-8 (cut between characters) with the extension kept.
 */
export function sanitizeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  let clean = base.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, "_").replace(/^[.\s]+/, "").replace(/[.\s]+$/, "");
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(clean)) clean = `_${clean}`;
  if (Buffer.byteLength(clean, "utf8") > MAX_FILE_NAME_BYTES) {
    const dot = clean.lastIndexOf(".");
    const ext = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : "";
    clean = cutToBytes(clean.slice(0, clean.length - ext.length), MAX_FILE_NAME_BYTES - Buffer.byteLength(ext, "utf8")).replace(/[.\s]+$/, "") + ext;
  }
  return clean || "upload";
}

/** The longest prefix of whole characters (code points) that fits in `max` UTF-8 bytes. */
function cutToBytes(text: string, max: number): string {
  let out = "";
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch, "utf8");
    if (bytes + n > max) break;
    out += ch;
    bytes += n;
  }
  return out;
}
