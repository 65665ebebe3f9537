import { describe, expect, it } from "vitest";
import { checkDownloadUrl, insecureCatalogFromEnv } from "../../../electron/app/models/checkDownloadUrl";
import { InsecureDownloadUrlError } from "../../../electron/app/models/DownloadError";

describe("checkDownloadUrl", () => {
  it("takes https, and plain http only when an insecure mirror was allowed", () => {
    expect(checkDownloadUrl("https://huggingface.co/a/b.gguf", false).host).toBe("huggingface.co");
    expect(checkDownloadUrl("http://mirror.hospital.local/b.gguf", true).protocol).toBe("http:");
    expect(() => checkDownloadUrl("http://mirror.hospital.local/b.gguf", false)).toThrow(InsecureDownloadUrlError);
    expect(() => checkDownloadUrl("http://mirror.hospital.local/b.gguf", false)).toThrow(/is plain http.*--insecure-catalog \(or set LORA_STUDIO_INSECURE_CATALOG=1\)/);
  });

  it("refuses every other scheme and what is no address, even with the insecure option", () => {
    for (const url of ["file:///etc/passwd", "ftp://mirror/b.gguf", "data:,GGUF"]) expect(() => checkDownloadUrl(url, true), url).toThrow(/not https; a model is downloaded from an https:\/\/ address/);
    expect(() => checkDownloadUrl("mirror/b.gguf", true)).toThrow(/"mirror\/b\.gguf" is not a web address/);
  });

  it("reads the insecure-mirror switch from LORA_STUDIO_INSECURE_CATALOG", () => {
    expect(insecureCatalogFromEnv({})).toBe(false);
    expect(insecureCatalogFromEnv({ LORA_STUDIO_INSECURE_CATALOG: "0" })).toBe(false);
    for (const v of ["1", "true", "YES"]) expect(insecureCatalogFromEnv({ LORA_STUDIO_INSECURE_CATALOG: v })).toBe(true);
  });
});
