import { parseArgs } from "node:util";
import { UsageError, type Command, type CommandIo } from "./Command";
import { commands } from "./commands";

const HELP = (): string =>
  [
    "lora-studio: fine-tune a small LLM with LoRA, offline.",
    "",
    "Usage: lora-studio <command> [options] [--json]",
    "",
    ...commands.map((c) => `  ${c.name.padEnd(16)}${c.summary}`),
    "",
    "lora-studio help <command> shows a command's options.",
  ].join("\n");

/** Runs one command line; returns the process exit code. Errors print as one line (and as JSON with --json). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    const target = commands.find((c) => c.name === rest[0]);
    console.log(target ? target.usage : HELP());
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  const json = rest.includes("--json");
  if (!command) return fail(json, new UsageError(`unknown command "${name}"; run \`lora-studio help\` for the list`));
  const io: CommandIo = { json, log: (line) => console.error(line) };
  try {
    const parsed = parseArgs({
      args: rest,
      options: { ...command.options, json: { type: "boolean" }, help: { type: "boolean" } },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
    if (parsed.values.help) {
      console.log(command.usage);
      return 0;
    }
    const result = await command.run({ values: parsed.values, positionals: parsed.positionals }, io);
    console.log(json ? JSON.stringify(result) : (command.format ?? defaultFormat)(result));
    return 0;
  } catch (error) {
    return fail(json, error, command);
  }
}

function defaultFormat(result: unknown): string {
  return JSON.stringify(result, null, 2);
}

function fail(json: boolean, error: unknown, command?: Command): number {
  const err = error instanceof Error ? error : new Error(String(error));
  // parseArgs throws TypeErrors with a code for unknown or malformed options: those are usage errors too.
  const isUsage = err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
  const code = isUsage ? "USAGE" : err.name;
  const message = err.message.split("\n")[0];
  if (json) console.log(JSON.stringify({ error: { code, message } }));
  console.error(`lora-studio ${command?.name ?? ""}: ${message}`.replace(/ +:/, ":"));
  if (isUsage && command) console.error(command.usage);
  if (process.env.LORA_STUDIO_DEBUG && err.stack) console.error(err.stack);
  return isUsage ? 2 : 1;
}
