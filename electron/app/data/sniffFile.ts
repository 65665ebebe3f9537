import { open } from "node:fs/promises";

/** What a file's first bytes say it is, whatever its name. */
export type SniffedType = "empty" | "text" | "utf16" | "pdf" | "docx" | "xlsx" | "zip" | "ole" | "image" | "binary";

const SAMPLE_BYTES = 64 * 1024;

/** Reads the start of a file and tells what it is; `ole` is a password-protected Office file (or an old .doc/.xls). */
export async function sniffFile(path: string): Promise<{ type: SniffedType; bytes: number }> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const buf = Buffer.alloc(Math.min(SAMPLE_BYTES, size));
    await handle.read(buf, 0, buf.length, 0);
    return { type: sniffBytes(buf, size), bytes: size };
  } finally {
    await handle.close();
  }
}

export function sniffBytes(buf: Buffer, size = buf.length): SniffedType {
  if (size === 0) return "empty";
  if (buf.subarray(0, 5).toString("latin1") === "%PDF-") return "pdf";
  if (buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04) {
    const names = buf.toString("latin1");
    if (names.includes("word/")) return "docx";
    if (names.includes("xl/")) return "xlsx";
    return "zip";
  }
  if (buf.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) return "ole";
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) return "utf16";
  if (isImage(buf)) return "image";
  let control = 0;
  for (const b of buf) {
    if (b === 0) return "binary";
    if (b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b)) control++;
  }
  if (control > buf.length * 0.05) return "binary";
  if (size === buf.length && buf.toString("latin1").trim() === "") return "empty";
  return "text";
}

function isImage(b: Buffer): boolean {
  return (
    (b[0] === 0x89 && b.subarray(1, 4).toString("latin1") === "PNG") ||
    (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) ||
    b.subarray(0, 4).toString("latin1") === "GIF8"
  );
}

/** The same phrase in Simplified Chinese, for the zh message. */
export function describeSniffedZh(type: SniffedType): string {
  const zh: Record<SniffedType, string> = {
    empty: "空内容",
    text: "纯文本",
    utf16: "UTF-16 文本",
    pdf: "PDF 文档",
    docx: "Word（DOCX）文档",
    xlsx: "Excel（XLSX）工作簿",
    zip: "ZIP 压缩包",
    ole: "受密码保护或旧格式（.doc/.xls）的 Office 文件",
    image: "图片",
    binary: "二进制数据",
  };
  return zh[type];
}

/** A phrase for messages: "a PDF document", "a ZIP archive"... */
export function describeSniffed(type: SniffedType): string {
  switch (type) {
    case "empty":
      return "empty";
    case "text":
      return "plain text";
    case "utf16":
      return "UTF-16 text";
    case "pdf":
      return "a PDF document";
    case "docx":
      return "a Word (DOCX) document";
    case "xlsx":
      return "an Excel (XLSX) workbook";
    case "zip":
      return "a ZIP archive";
    case "ole":
      return "a password-protected or old-format (.doc/.xls) Office file";
    case "image":
      return "an image";
    case "binary":
      return "binary data";
    default:
      return type satisfies never;
  }
}
