/**
 * LoRA gradients on the webgpu backend (Dawn on SwiftShader here: correctness only) against the float64
 * reference, with the same cases and tolerance as on wasm (gradientSuite.ts).
 */
import { useSwiftShader } from "../../native-deps/swiftShader";
import { describeLoraGradients } from "./gradientSuite";

const skip = useSwiftShader();
if (skip) console.info(`webgpu gradient tests skipped: ${skip}`);
describeLoraGradients("webgpu", skip);
