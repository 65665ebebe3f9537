/**
 * Child process of crashSafety.test.ts: opens the store at argv[2], creates a project with a small committed
 * dataset, then imports a large one in one transaction and reports progress on stdout so the parent can
 * SIGKILL it part-way. Never finishes on its own before being killed (it slows down after the report).
 */
import { writeSync } from "node:fs";
import { createProject } from "../../../electron/app/store/projects";
import { importDataset, type StoredExample } from "../../../electron/app/store/datasets";
import { openStore } from "../../../electron/app/store/openStore";

const db = openStore(process.argv[2]!);
const total = Number(process.argv[3] ?? 200_000);
const project = createProject(db, { name: "crash test" });
const example = (i: number): StoredExample => ({
  key: `big.jsonl:L${i + 1}`,
  kind: "chat",
  content: { messages: [{ role: "user", content: `question ${i} ${"x".repeat(200)}` }, { role: "assistant", content: `answer ${i}` }] },
  source: { file: "big.jsonl", line: i + 1 },
  split: i % 10 === 0 ? "validation" : "train",
});
importDataset(db, { projectId: project.id, name: "small", files: [{ file: "small.jsonl" }], redaction: {} }, Array.from({ length: 10 }, (_, i) => example(i)));
writeSync(1, `committed ${project.id}\n`);
function* examples(): Generator<StoredExample> {
  for (let i = 0; i < total; i++) {
    if (i === total / 2) {
      writeSync(1, `halfway ${i}\n`);
      const until = Date.now() + 30_000;
      while (Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50); // wait to be killed, transaction open
    }
    yield example(i);
  }
}
importDataset(db, { projectId: project.id, name: "big", files: [{ file: "big.jsonl" }], redaction: { choices: {}, counts: {} } }, examples());
writeSync(1, "finished\n");
