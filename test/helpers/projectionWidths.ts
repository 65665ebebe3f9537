import type { ModelShape } from "../../electron/engine/gguf/tiny/presets";

export type TestProjection = "q" | "k" | "v" | "o" | "gate" | "up" | "down";

/** In and out widths of a projection from a preset's shape, written out here independently of the engine. */
export function projectionWidths(shape: ModelShape, proj: TestProjection): [number, number] {
  const hd = shape.dim / shape.heads;
  const table: Record<TestProjection, [number, number]> = {
    q: [shape.dim, shape.heads * hd],
    k: [shape.dim, shape.kvHeads * hd],
    v: [shape.dim, shape.kvHeads * hd],
    o: [shape.heads * hd, shape.dim],
    gate: [shape.dim, shape.ffn],
    up: [shape.dim, shape.ffn],
    down: [shape.ffn, shape.dim],
  };
  return table[proj];
}
