// `npm run bench:data`: streams a generated 100,000-example JSONL through the importer and prints examples/s and
// peak memory as JSON. Memory is sampled during the import; the file itself is never held in memory.
import { mkdtempSync, rmSync, createWriteStream, statSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importFiles } from "../electron/app/data/importFiles";

const N = Number(process.env.BENCH_DATA_EXAMPLES ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), "bench-data-"));
const path = join(dir, "big.jsonl");
try {
  const out = createWriteStream(path);
  for (let i = 0; i < N; i++) {
    const line = JSON.stringify({ messages: [{ role: "user", content: `Question ${i}: what is the policy on item ${i % 997} in ward ${i % 31}?` }, { role: "assistant", content: `For item ${i % 997} the policy is rule ${i}; ask the ward ${i % 31} manager.` }] });
    if (!out.write(line + "\n")) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  let peakHeap = 0;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const t0 = performance.now();
  const [r] = await importFiles([path]);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
  console.log(
    JSON.stringify({
      bench: "data-import-jsonl",
      examples: r!.examples.length,
      problems: r!.problems.length,
      fileMiB: +(statSync(path).size / 2 ** 20).toFixed(1),
      seconds: +seconds.toFixed(2),
      examplesPerSecond: Math.round(r!.examples.length / seconds),
      peakRssMiB: +(peakRss / 2 ** 20).toFixed(1),
      rssBeforeMiB: +(rssBefore / 2 ** 20).toFixed(1),
      peakHeapUsedMiB: +(peakHeap / 2 ** 20).toFixed(1),
      note: "examples are kept in memory (the importer returns them); the file is streamed line by line",
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
