import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/paths";

// Note: ajv and js-yaml come with electron-builder (app-builder-lib validates its own configuration with ajv
// against the same scheme.json); the test uses those copies rather than adding its own.
const require = createRequire(import.meta.url);
const Ajv = require("ajv") as new (options: object) => { compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] | null } };
const yaml = require("js-yaml") as { load(text: string): unknown };

const config = yaml.load(readFileSync(join(repoRoot, "electron-builder.yml"), "utf8")) as Record<string, unknown>;

/** The fuses issue 20 requires, with the value each must have in the packaged binary. */
const REQUIRED_FUSES = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  grantFileProtocolExtraPrivileges: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
} as const;

describe("electron-builder.yml", () => {
  it("validates against electron-builder's own JSON schema (app-builder-lib/scheme.json)", () => {
    const schema = JSON.parse(readFileSync(require.resolve("app-builder-lib/scheme.json"), "utf8")) as object;
    const validate = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(schema);
    const ok = validate(config);
    expect(validate.errors ?? [], "schema errors").toEqual([]);
    expect(ok).toBe(true);
    // The validator must be able to fail: a misspelt key is refused (the schema forbids unknown properties).
    expect(validate({ ...config, electronFuse: { runAsNode: false } })).toBe(false);
  });

  it("sets every required fuse, none flipped", () => {
    const fuses = config.electronFuses as Record<string, unknown> | undefined;
    expect(fuses, "electronFuses").toBeTypeOf("object");
    for (const [name, value] of Object.entries(REQUIRED_FUSES)) expect(fuses?.[name], `fuse ${name}`).toBe(value);
  });

  it("packs from asar, rebuilds nothing, and unpacks better-sqlite3's prebuilt binaries where they are", () => {
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
    expect(config.buildDependenciesFromSource).toBe(false);
    const unpack = config.asarUnpack as string[];
    expect(unpack).toContain("node_modules/better-sqlite3/prebuilds/*.node");
    // The pattern matches what the package really ships (lib/binding.js loads prebuilds/<platform>-<arch>.node).
    const prebuilds = readdirSync(join(repoRoot, "node_modules", "better-sqlite3", "prebuilds"));
    expect(prebuilds).toContain(`${process.platform}-${process.arch}.node`);
    expect(readFileSync(join(repoRoot, "node_modules", "better-sqlite3", "lib", "binding.js"), "utf8")).toContain("'prebuilds'");
  });

  it("ships the hidden WebGPU trainer's page and preload (scripts/buildElectron.mjs writes them to dist/electron)", () => {
    const { minimatch } = require("minimatch") as { minimatch(path: string, pattern: string, options?: object): boolean };
    const files = config.files as string[];
    for (const path of ["dist/electron/webgpuTrainer/index.html", "dist/electron/webgpuTrainer/trainer.js", "dist/electron/trainerPreload.cjs"]) {
      const included = files.filter((p) => !p.startsWith("!")).some((p) => minimatch(path, p, { dot: true }));
      const excluded = files.filter((p) => p.startsWith("!")).some((p) => minimatch(path, p.slice(1), { dot: true }));
      expect({ path, included, excluded }).toEqual({ path, included: true, excluded: false });
    }
    // The matcher can fail: a source map is left out.
    expect(files.filter((p) => p.startsWith("!")).some((p) => minimatch("dist/electron/webgpuTrainer/trainer.js.map", p.slice(1), { dot: true }))).toBe(true);
  });
});

describe("the app's own sources", () => {
  it("never run the Electron binary as plain Node (the RunAsNode fuse is off)", () => {
    const hits: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (readFileSync(path, "utf8").includes("ELECTRON_RUN_" + "AS_NODE")) hits.push(relative(repoRoot, path));
      }
    };
    for (const dir of ["electron", "scripts"]) walk(join(repoRoot, dir));
    expect(hits).toEqual([]);
  });
});
