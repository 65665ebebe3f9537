import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { StudioApiError } from "../../contract/ApiError";
import { THEMES, UI_LANGUAGES, type AppSettings, type FileRef, type HardwareSummary } from "../../contract/dto";
import type { StudioApiImpl } from "../../contract/StudioApi";
import { writeJsonAtomic } from "../../engine/training/runTrainingJob";
import { probeHardware, type HardwareReport } from "../hardware/probeHardware";
import type { ApiContext } from "./ApiContext";
import { fileRef } from "./fileRef";
import { trainingDeviceOf } from "../hardware/trainingDevice";

const SettingsSchema = z.object({
  language: z.enum(UI_LANGUAGES).catch("en"),
  theme: z.enum(THEMES).catch("system"),
  raterName: z.string().catch(""),
  advanced: z.boolean().catch(false),
});

type AppApi = Pick<StudioApiImpl, "getAppInfo" | "getSettings" | "updateSettings" | "probeHardware" | "pickFiles" | "pickFolder">;

/** App-wide calls: about, settings (home/settings.json), the hardware probe, native dialogs. */
export function appApi(ctx: ApiContext): AppApi {
  const settingsFile = settingsPath(ctx.home);
  const readSettings = () => readSettingsFile(ctx.home);
  return {
    async getAppInfo() {
      return { version: ctx.version, home: ctx.home, platform: process.platform, door: ctx.door, canPickFiles: ctx.dialogs !== null };
    },
    async getSettings() {
      return readSettings();
    },
    async updateSettings(patch) {
      const next = { ...readSettings(), ...patch };
      await writeJsonAtomic(settingsFile, next);
      ctx.events.emit("state.changed", { kind: "settings", projectId: null });
      return next;
    },
    async probeHardware({ refresh }) {
      return hardwareSummary(await probeHardware({ cacheFile: join(ctx.home, "hardware.json"), refresh: refresh === true }));
    },
    async pickFiles({ purpose }) {
      if (!ctx.dialogs) throw new StudioApiError("unavailable", "there is no file dialog in the browser; drop the files on the page or use the upload button");
      const paths = await ctx.dialogs.pickFiles(purpose);
      const refs: FileRef[] = [];
      for (const p of paths) refs.push(await fileRef(ctx.grants.grant(p)));
      return refs;
    },
    async pickFolder({ purpose }) {
      if (!ctx.dialogs) throw new StudioApiError("unavailable", "there is no folder dialog in the browser; exports are written under the app's data folder");
      const folder = await ctx.dialogs.pickFolder(purpose);
      return folder === null ? null : ctx.grants.grant(folder);
    },
  };
}

const settingsPath = (home: string) => join(home, "settings.json");

/** The app's settings (home/settings.json), defaults where unset. */
export function readSettingsFile(home: string): AppSettings {
  const file = settingsPath(home);
  let raw: unknown = {};
  if (existsSync(file)) {
    try {
      raw = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      raw = {}; // A damaged settings file falls back to the defaults rather than locking the user out.
    }
  }
  return SettingsSchema.parse(raw ?? {});
}

export function hardwareSummary(h: HardwareReport): HardwareSummary {
  return {
    os: h.os,
    cpu: h.cpu.model,
    cores: h.cpu.logicalCores,
    ramTotalMb: h.memory.totalMb,
    ramAvailableMb: h.memory.availableMb,
    gpus: h.gpus.map((g) => `${g.vendor} ${g.model}${g.vramMb ? ` (${g.vramMb} MB)` : ""}`),
    trainingBackend: h.tfjs.chosen ?? "none",
    backendNotes: h.tfjs.backends.filter((b) => !b.ok).map((b) => `${b.name}: ${b.reason}`),
    trainingDevice: (({ kind, name, why }) => ({ kind, name, why }))(trainingDeviceOf(h)),
    chatBackend: h.llamaCpp.ok ? (h.llamaCpp.gpu === false ? "cpu" : h.llamaCpp.gpu) : `unavailable (${h.llamaCpp.error ?? "unknown"})`,
  };
}
