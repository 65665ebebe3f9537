import { createHash } from "node:crypto";

/**
 * Which side (left or right) shows the tuned answer for each blind pair: random per pair, but the same for the same
 * seed and pair index, so a review can be reproduced and audited. Note: derived from sha256(seed:index) rather than
 * a sequential PRNG so that adding pairs later does not reshuffle the earlier ones.
 */
export function blindSide(seed: number, index: number): "left" | "right" {
  const digest = createHash("sha256").update(`lora-studio-blind:${seed}:${index}`).digest();
  return (digest[0]! & 1) === 0 ? "left" : "right";
}

export function blindSides(seed: number, count: number): ("left" | "right")[] {
  return Array.from({ length: count }, (_, i) => blindSide(seed, i));
}
