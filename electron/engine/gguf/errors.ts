/**
 * GGUF failures, one class per kind, each message naming the offending value, the file and what to do.
 * Constructors take the finished message (other modules build their own, e.g. the model code's
 * UnsupportedArchitectureError); the static helpers build the standard messages.
 */
import { SUPPORTED_TENSOR_TYPES, ggmlTypeName } from "./ggmlType";

export class GgufError extends Error {
  override name = "GgufError";
}

export class NotGgufError extends GgufError {
  override name = "NotGgufError";

  static forMagic(path: string, magic: Uint8Array): NotGgufError {
    const hex = Array.from(magic, (b) => `0x${b.toString(16).padStart(2, "0")}`).join(" ");
    const shown = magic.length === 0 ? "none: the file is empty" : hex;
    return new NotGgufError(`${path} is not a GGUF file (magic bytes ${shown}; expected "GGUF"); choose a .gguf model file`);
  }
}

export class TruncatedGgufError extends GgufError {
  override name = "TruncatedGgufError";

  /** `what` is what was being read ("the tensor count", "tensor blk.0.attn_q.weight"). */
  static forRead(path: string, what: string, neededEnd: number, fileSize: number): TruncatedGgufError {
    return new TruncatedGgufError(
      `${path} is truncated: reading ${what} needs the file to be at least ${neededEnd} bytes, but it is ${fileSize} bytes; ` +
        "download or copy the file again",
    );
  }
}

export class UnsupportedGgufVersionError extends GgufError {
  override name = "UnsupportedGgufVersionError";

  static forVersion(path: string, version: number): UnsupportedGgufVersionError {
    const swapped = ((version & 0xff) << 24) | ((version & 0xff00) << 8) | ((version >>> 8) & 0xff00) | (version >>> 24);
    const hint =
      swapped === 2 || swapped === 3
        ? "it is a big-endian GGUF; convert it to little-endian"
        : version === 1
          ? "GGUF v1 is obsolete; convert the model again with a current llama.cpp"
          : "convert the model with a llama.cpp release that writes version 3";
    return new UnsupportedGgufVersionError(`${path} has GGUF version ${version}; supported: 2 and 3; ${hint}`);
  }
}

export class UnsupportedTensorTypeError extends GgufError {
  override name = "UnsupportedTensorTypeError";

  static forTensor(tensorName: string | undefined, type: number, path?: string): UnsupportedTensorTypeError {
    const where = path === undefined ? "" : ` in ${path}`;
    const supported = SUPPORTED_TENSOR_TYPES.map(ggmlTypeName).join(", ");
    return new UnsupportedTensorTypeError(
      `tensor ${tensorName ?? "(unnamed)"} has type ${ggmlTypeName(type)} (id ${type})${where}; supported: ${supported}; ` +
        "choose a model quantized as one of these (e.g. Q8_0 or Q4_K_M)",
    );
  }
}

export class UnsupportedArchitectureError extends GgufError {
  override name = "UnsupportedArchitectureError";

  static forArchitecture(architecture: string, path: string): UnsupportedArchitectureError {
    return new UnsupportedArchitectureError(
      `${path} has architecture "${architecture}"; supported: llama, qwen2, qwen3; choose a Llama, Qwen2.5 or Qwen3 model`,
    );
  }
}

export class MissingMetadataKeyError extends GgufError {
  override name = "MissingMetadataKeyError";

  static forKey(key: string, path: string): MissingMetadataKeyError {
    return new MissingMetadataKeyError(
      `${path} has no metadata key "${key}"; the file may be incomplete or from an unsupported converter`,
    );
  }
}

/** Anything else malformed: a bad value type id, too many dims, a bad alignment, offsets out of order... */
export class InvalidGgufError extends GgufError {
  override name = "InvalidGgufError";
}
