/**
 * `lora-studio web` stopped with Ctrl-C after the recommender has read a model: it still runs its shutdown
 * (checkpoints, then exit 0). signal-exit, loaded with node-llama-cpp's lockfile, re-raises a signal when its own
 * listeners are the only ones left; a once() handler left it alone and the process died of the signal at once.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startBridgeProcess } from "../../e2e/support/startBridgeProcess";
import { repoRoot } from "../helpers/paths";

const home = mkdtempSync(join(tmpdir(), "web-sigint-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("lora-studio web on Ctrl-C", () => {
  it("runs its shutdown and exits 0 after a recommendation read the model", async () => {
    const samples = join(repoRoot, "resources/samples");
    const bridge = await startBridgeProcess(home, ["--threads", "1", "--allow", samples]);
    const url = new URL(bridge.url);
    const call = async (method: string, params: unknown) => {
      const r = await fetch(`${url.origin}/api/${method}`, { method: "POST", headers: { "x-studio-token": url.searchParams.get("token")!, "content-type": "application/json" }, body: JSON.stringify(params) });
      const body = (await r.json()) as { ok: boolean; value: { id: string }; error?: unknown };
      if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
      return body.value;
    };
    const p = await call("createProject", { name: "P", domain: "other", language: "en" });
    const model = await call("useDemoModel", { architecture: "qwen2", preset: "tiny" });
    await call("updateProject", { projectId: p.id, modelId: model.id });
    await call("importDataset", { projectId: p.id, paths: [join(samples, "clinic-faq.jsonl")], validationShare: 0.2 });
    await call("recommend", { projectId: p.id, mode: "quick", overrides: {} });
    const code = await bridge.stop();
    expect({ code, signal: bridge.child.signalCode }).toEqual({ code: 0, signal: null });
    expect(bridge.log.join("\n")).toContain("stopping: saving training checkpoints");
  }, 120_000);
});
