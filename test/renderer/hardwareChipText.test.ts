/** The hardware chip's words: "GPU: <name>" where a GPU trains, "CPU" and why where none does, in English and Chinese. */
import i18next from "i18next";
import { describe, expect, it } from "vitest";
import type { HardwareSummary } from "../../electron/contract/dto";
import en from "../../renderer/src/i18n/en.json";
import zh from "../../renderer/src/i18n/zh.json";
import { hardwareChipText } from "../../renderer/src/hardwareChipText";

const i18n = i18next.createInstance();
await i18n.init({ resources: { en: { translation: en }, zh: { translation: zh } }, lng: "en", fallbackLng: "en", interpolation: { escapeValue: false } });
const t = (lang: "en" | "zh") => i18n.getFixedT(lang) as (key: string, options?: Record<string, unknown>) => string;

const base: HardwareSummary = {
  os: "Windows 11 x64",
  cpu: "Intel Core i7-13700H",
  cores: 20,
  ramTotalMb: 32768,
  ramAvailableMb: 20000,
  gpus: ["NVIDIA GeForce RTX 4060 (8188 MB)"],
  trainingBackend: "webgpu",
  backendNotes: ["tensorflow-gpu: not installed"],
  trainingDevice: { kind: "gpu", name: "NVIDIA GeForce RTX 4060", why: null },
  chatBackend: "vulkan",
};

describe("hardwareChipText", () => {
  it("names the GPU that trains", () => {
    const { label, detail } = hardwareChipText(base, t("en"), "en");
    expect(label).toBe("GPU: NVIDIA GeForce RTX 4060 · 32 GB RAM");
    expect(detail[0]).toBe("Training runs on the GPU: NVIDIA GeForce RTX 4060");
    expect(detail[1]).toMatch(/time per pass over the data \(epoch\) is predicted in each project's Settings step/);
    const zhText = hardwareChipText(base, t("zh"), "zh");
    expect(zhText.label).toMatch(/^GPU：NVIDIA GeForce RTX 4060 · /);
    expect(zhText.detail[0]).toBe("训练在 GPU 上运行：NVIDIA GeForce RTX 4060");
  });

  it("says CPU, and why no GPU trains in one line", () => {
    const cpu: HardwareSummary = { ...base, gpus: [], trainingBackend: "wasm", trainingDevice: { kind: "cpu", name: "Intel Core i7-13700H", why: { en: "No GPU trains here: webgpu: no Vulkan loader", zh: "此电脑没有可用于训练的 GPU：webgpu：no Vulkan loader" } } };
    const { label, detail } = hardwareChipText(cpu, t("en"), "en");
    expect(label).toBe("CPU · 32 GB RAM");
    expect(detail.slice(0, 2)).toEqual(["Training runs on the CPU: Intel Core i7-13700H", "No GPU trains here: webgpu: no Vulkan loader"]);
    expect(hardwareChipText(cpu, t("zh"), "zh").detail[1]).toBe("此电脑没有可用于训练的 GPU：webgpu：no Vulkan loader");
    expect(hardwareChipText(null, t("en"), "en").label).toBe("Checking hardware…");
  });
});
