import { describeVocabSplit } from "./vocabSplitSuite";

describeVocabSplit("wasm");
