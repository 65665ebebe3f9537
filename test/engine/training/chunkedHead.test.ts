import { describeChunkedHead } from "./chunkedHeadSuite";

describeChunkedHead("wasm");
