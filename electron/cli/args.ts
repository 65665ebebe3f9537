import { UsageError, type CommandArgs } from "./Command";

/** The string value of --name, or throws a UsageError naming the missing option. */
export function requireString(args: CommandArgs, name: string): string {
  const v = args.values[name];
  if (typeof v !== "string" || v === "") throw new UsageError(`missing --${name}`);
  return v;
}

export function optionalString(args: CommandArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === "string" ? v : undefined;
}

/** An integer option, checked against [min, max]; the message names the option and the bad value. */
export function optionalInt(args: CommandArgs, name: string, min = -Infinity, max = Infinity): number | undefined {
  const v = optionalString(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer between ${min} and ${max}, got "${v}"`);
  }
  return n;
}

/** A value from a fixed list; the message lists the allowed ones. */
export function optionalChoice<T extends string>(args: CommandArgs, name: string, choices: readonly T[]): T | undefined {
  const v = optionalString(args, name);
  if (v === undefined) return undefined;
  if (!(choices as readonly string[]).includes(v)) {
    throw new UsageError(`--${name} must be one of ${choices.join(", ")}, got "${v}"`);
  }
  return v as T;
}

/** A number option, checked against [min, max] when given; the message names the option and the bad value. */
export function optionalNumber(args: CommandArgs, name: string, min = -Infinity, max = Infinity): number | undefined {
  const v = optionalString(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
    const range = Number.isFinite(min) || Number.isFinite(max) ? ` between ${min} and ${max}` : "";
    throw new UsageError(`--${name} must be a number${range}, got "${v}"`);
  }
  return n;
}
