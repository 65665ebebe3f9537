import Chip from "@mui/material/Chip";
import { useTranslation } from "react-i18next";
import type { RunStatus } from "../../../electron/contract/dto";

const COLOR: Record<RunStatus, "default" | "primary" | "success" | "error" | "warning" | "info"> = {
  queued: "info",
  running: "primary",
  paused: "warning",
  finished: "success",
  failed: "error",
  interrupted: "warning",
  cancelled: "default",
};

export function RunStatusChip({ status }: { status: RunStatus | null }) {
  const { t } = useTranslation();
  if (!status) return <Chip size="small" label={t("run.status.none")} variant="outlined" />;
  return <Chip size="small" color={COLOR[status]} label={t(`run.status.${status}`)} data-testid="run-status" />;
}
