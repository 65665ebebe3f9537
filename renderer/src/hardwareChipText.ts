import type { HardwareSummary } from "../../electron/contract/dto";
import { formatMb, type Lang } from "./format";

type T = (key: string, options?: Record<string, unknown>) => string;

/**
 * The hardware chip's label and tooltip lines: which device trains first ("GPU: <name>", or "CPU" with one line on why
 * no GPU trains), then where the time per epoch is predicted, the CPU and GPUs, and the backends.
 */
export function hardwareChipText(hardware: HardwareSummary | null, t: T, lang: Lang): { label: string; detail: string[] } {
  if (!hardware) return { label: t("top.probing"), detail: [] };
  const device = hardware.trainingDevice;
  const deviceLabel = device.kind === "gpu" ? t("top.deviceGpu", { name: device.name }) : t("top.deviceCpu");
  return {
    label: `${deviceLabel} · ${formatMb(hardware.ramTotalMb, lang)} RAM`,
    detail: [
      device.kind === "gpu" ? t("top.trainsOnGpu", { name: device.name }) : t("top.trainsOnCpu", { name: hardware.cpu }),
      ...(device.why ? [device.why[lang] || device.why.en] : []),
      t("top.epochTime"),
      hardware.cpu,
      ...hardware.gpus,
      `${t("top.trainingBackend")}: ${hardware.trainingBackend}`,
      `${t("top.chatBackend")}: ${hardware.chatBackend}`,
      ...hardware.backendNotes,
    ],
  };
}
