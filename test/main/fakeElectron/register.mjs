// Makes `import ... from "electron"` load ./electron.mjs, so the built main process runs in plain Node.
import { register } from "node:module";

register("./hooks.mjs", import.meta.url);
