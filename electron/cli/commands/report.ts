import { UsageError, type Command } from "../Command";
import { optionalChoice, requireString } from "../args";
import { writeReport } from "../../app/evaluation/writeReport";

const FORMATS = ["html", "pdf"] as const;

export const reportCommand: Command<{ path: string; format: (typeof FORMATS)[number] }> = {
  name: "report",
  summary: "write a run's evaluation report (configuration, data card, loss curves, metrics) as HTML or PDF",
  usage: `lora-studio report --run DIR --format ${FORMATS.join("|")} --out FILE [--json]`,
  options: { run: { type: "string" }, format: { type: "string" }, out: { type: "string" } },
  async run(args, io) {
    const runDir = requireString(args, "run");
    const format = optionalChoice(args, "format", FORMATS);
    if (!format) throw new UsageError(`missing --format (one of ${FORMATS.join(", ")})`);
    const out = requireString(args, "out");
    io.log(`writing the ${format} report of ${runDir}...`);
    return { path: await writeReport(runDir, format, out), format };
  },
  format: (r) => `wrote ${r.path}`,
};
