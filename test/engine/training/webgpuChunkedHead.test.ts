import { useSwiftShader } from "../../native-deps/swiftShader";
import { describeChunkedHead } from "./chunkedHeadSuite";

const skip = useSwiftShader();
if (skip) console.info(`webgpu chunked head tests skipped: ${skip}`);
describeChunkedHead("webgpu", skip);
