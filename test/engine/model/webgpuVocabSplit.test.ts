import { useSwiftShader } from "../../native-deps/swiftShader";
import { describeVocabSplit } from "./vocabSplitSuite";

const skip = useSwiftShader();
if (skip) console.info(`webgpu vocabulary-chunk tests skipped: ${skip}`);
describeVocabSplit("webgpu", skip);
