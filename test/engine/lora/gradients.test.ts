/**
 * LoRA gradients of the training loss (lossAndGradients, tfjs float32 on wasm) against an independent float64
 * reference: see gradientSuite.ts.
 */
import { describeLoraGradients } from "./gradientSuite";

describeLoraGradients("wasm");
