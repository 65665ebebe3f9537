import type { Command } from "../Command";

/** Every `lora-studio` command, in the order `help` lists them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: Command<any>[] = [];
