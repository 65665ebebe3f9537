import Box from "@mui/material/Box";
import Typography from "@mui/material/Typography";
import { LineChart } from "@mui/x-charts/LineChart";
import { useTranslation } from "react-i18next";
import type { MetricPoint } from "../../../electron/contract/dto";
import { formatChartValue } from "../format";

type Key = "loss" | "valLoss" | "lr" | "adapterNorm";

/** One live line chart over steps; `keys` choose the series. */
export function MetricChart({ points, keys, title, testId }: { points: MetricPoint[]; keys: Key[]; title: string; testId: string }) {
  const { t } = useTranslation();
  const steps = points.map((p) => p.step);
  const hasData = keys.some((k) => points.some((p) => p[k] != null));
  return (
    <Box data-testid={testId} role="figure" aria-label={title} sx={{ minWidth: 0 }}>
      <Typography variant="subtitle1" component="h3">
        {title}
      </Typography>
      {hasData ? (
        <LineChart
          height={260}
          skipAnimation
          xAxis={[{ data: steps, label: t("train.step"), scaleType: "linear", tickMinStep: 1, valueFormatter: (v: number) => String(Math.round(v)) }]}
          yAxis={[{ width: "auto", valueFormatter: (v: number) => formatChartValue(v, keys.includes("lr")) }]}
          series={keys.map((k) => ({ id: k, data: points.map((p) => p[k]), label: t(`train.series.${k}`), connectNulls: true, showMark: false, curve: "linear" as const }))}
        />
      ) : (
        <Typography variant="body2" color="text.secondary" sx={{ height: 60 }}>
          {t("train.noPoints")}
        </Typography>
      )}
    </Box>
  );
}
