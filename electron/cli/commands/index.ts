import type { Command } from "../Command";
import { dataCommand } from "./data";
import { doctorCommand } from "./doctor";
import { exportCommand } from "./exportAdapter";
import { importPeftCommand } from "./importPeft";
import { inspectModelCommand } from "./inspectModel";
import { makeModelCommand } from "./makeModel";
import { scoreCommand } from "./score";
import { trainCommand } from "./train";

/** Every `lora-studio` command, in the order `help` lists them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: Command<any>[] = [trainCommand, makeModelCommand, inspectModelCommand, scoreCommand, doctorCommand, dataCommand, exportCommand, importPeftCommand];
