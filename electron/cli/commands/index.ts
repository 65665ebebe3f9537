import type { Command } from "../Command";
import { chatCommand } from "./chat";
import { dataCommand } from "./data";
import { demoCommand } from "./demo";
import { doctorCommand } from "./doctor";
import { evalCommand } from "./evaluate";
import { exportCommand } from "./exportAdapter";
import { importPeftCommand } from "./importPeft";
import { inspectModelCommand } from "./inspectModel";
import { makeModelCommand } from "./makeModel";
import { projectsCommand } from "./projects";
import { recommendCommand } from "./recommend";
import { reportCommand } from "./report";
import { scoreCommand } from "./score";
import { trainCommand } from "./train";
import { webCommand } from "./web";

/** Every `lora-studio` command, in the order `help` lists them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: Command<any>[] = [trainCommand, makeModelCommand, inspectModelCommand, scoreCommand, chatCommand, demoCommand, doctorCommand, dataCommand, exportCommand, importPeftCommand, recommendCommand, projectsCommand, webCommand, evalCommand, reportCommand];
