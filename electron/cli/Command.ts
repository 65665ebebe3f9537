import type { ParseArgsConfig } from "node:util";

/** One `lora-studio` subcommand. `run` returns a JSON-serialisable result; main prints it. */
export interface Command<R = unknown> {
  name: string;
  /** One line for `lora-studio help`. */
  summary: string;
  /** Usage line(s) shown by `lora-studio help <command>` and after a usage error. */
  usage: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** Whether positional arguments are accepted. */
  allowPositionals?: boolean;
  run(args: CommandArgs, io: CommandIo): Promise<R>;
  /** Human-readable rendering of the result (default: indented JSON). */
  format?(result: R): string;
}

export interface CommandArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

export interface CommandIo {
  /** Whether the user asked for --json (progress then goes to stderr as plain lines). */
  json: boolean;
  /** Progress and notes for people; never part of the JSON result. */
  log(line: string): void;
}

/** A mistake in how the command was called; main prints the usage with it. */
export class UsageError extends Error {
  override name = "UsageError";
}
