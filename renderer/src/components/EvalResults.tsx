import Alert from "@mui/material/Alert";
import AlertTitle from "@mui/material/AlertTitle";
import Box from "@mui/material/Box";
import Chip from "@mui/material/Chip";
import Paper from "@mui/material/Paper";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableContainer from "@mui/material/TableContainer";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import { useTranslation } from "react-i18next";
import type { EvaluationView } from "../../../electron/contract/dto";
import { formatPercent } from "../format";
import { useLocalized } from "../hooks/useLocalized";
import { formatMetricValue, metricChange, metricInfo, sortMetricKeys, type Verdict } from "./EvalMetricFormat";
import { LONG_TEXT_SX, TWO_COLUMNS_SX } from "../longText";

const VERDICT_COLOR: Record<Verdict, "success" | "error" | "default"> = { better: "success", worse: "error", same: "default", unknown: "default" };
const VERDICT_MARK: Record<Verdict, string> = { better: "▲", worse: "▼", same: "＝", unknown: "?" };

function SectionTitle({ title, intro }: { title: string; intro: string }) {
  return (
    <>
      <Typography variant="h6" component="h3">
        {title}
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {intro}
      </Typography>
    </>
  );
}

/** The metrics table: every key, base versus tuned, the change and whether it is better (colour and words). */
function MetricsTable({ metrics }: { metrics: EvaluationView["metrics"] }) {
  const { t } = useTranslation();
  const { lang } = useLocalized();
  const keys = sortMetricKeys(Object.keys(metrics));
  if (keys.length === 0) return <Typography color="text.secondary">{t("evaluate.results.noMetrics")}</Typography>;
  const label = (key: string) => {
    const info = metricInfo(key);
    if (!info) return key;
    const language = info.language ? (info.language === "en" || info.language === "zh" ? t(`languages.${info.language}`) : info.language) : "";
    return t(`evaluate.metric.${info.id}`, { language });
  };
  return (
    <TableContainer>
      <Table size="small" aria-label={t("evaluate.results.title")}>
        <TableHead>
          <TableRow>
            <TableCell scope="col">{t("evaluate.results.metric")}</TableCell>
            <TableCell scope="col" align="right">
              {t("evaluate.results.base")}
            </TableCell>
            <TableCell scope="col" align="right">
              {t("evaluate.results.tuned")}
            </TableCell>
            <TableCell scope="col" align="right">
              {t("evaluate.results.change")}
            </TableCell>
            <TableCell scope="col">{t("evaluate.results.verdict")}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {keys.map((key) => {
            const m = metrics[key]!;
            const info = metricInfo(key);
            const change = metricChange(key, m.base, m.tuned, lang);
            return (
              <TableRow key={key} data-testid={`metric-${key}`}>
                <TableCell component="th" scope="row">
                  <Typography variant="body2" sx={{ fontWeight: 500 }}>
                    {label(key)}
                  </Typography>
                  {info && (
                    <Typography variant="caption" color="text.secondary" sx={{ display: "block", maxWidth: 480 }}>
                      {t("evaluate.results.withDirection", { help: t(`evaluate.help.${info.id}`), direction: info.lowerIsBetter ? t("evaluate.results.lowerBetter") : t("evaluate.results.higherBetter") })}
                    </Typography>
                  )}
                </TableCell>
                <TableCell align="right" sx={{ whiteSpace: "nowrap" }}>
                  {formatMetricValue(key, m.base, lang)}
                </TableCell>
                <TableCell align="right" sx={{ whiteSpace: "nowrap" }}>
                  {formatMetricValue(key, m.tuned, lang)}
                </TableCell>
                <TableCell align="right" sx={{ whiteSpace: "nowrap" }}>
                  {change.text}
                </TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    variant={change.verdict === "better" || change.verdict === "worse" ? "filled" : "outlined"}
                    color={VERDICT_COLOR[change.verdict]}
                    label={
                      <>
                        <span aria-hidden="true">{VERDICT_MARK[change.verdict]} </span>
                        {t(`evaluate.results.verdicts.${change.verdict}`)}
                      </>
                    }
                    data-verdict={change.verdict}
                  />
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

function Answer({ label, text, emptyText }: { label: string; text: string; emptyText: string }) {
  return (
    <Box>
      <Typography variant="subtitle2" component="h5">
        {label}
      </Typography>
      <Typography variant="body2" sx={{ ...LONG_TEXT_SX, fontStyle: text.trim() ? undefined : "italic" }}>
        {text.trim() ? text : emptyText}
      </Typography>
    </Box>
  );
}

/** Scores, warnings, weakest answers and memorization of a finished evaluation. */
export function EvalResults({ evaluation }: { evaluation: EvaluationView }) {
  const { t } = useTranslation();
  const { lang, loc } = useLocalized();
  const mem = evaluation.memorization;
  const pii = mem.personalDataReproduced;
  return (
    <Stack spacing={2}>
      <Paper sx={{ p: 2 }} data-testid="evaluate-metrics">
        <Stack spacing={1.5}>
          <SectionTitle title={t("evaluate.results.title")} intro={t("evaluate.results.intro")} />
          <MetricsTable metrics={evaluation.metrics} />
        </Stack>
      </Paper>

      <Paper sx={{ p: 2 }} data-testid="evaluate-warnings">
        <Stack spacing={1.5}>
          <SectionTitle title={t("evaluate.warnings.title")} intro={t("evaluate.warnings.intro")} />
          {evaluation.warnings.length === 0 ? (
            <Alert severity="success">{t("evaluate.warnings.none")}</Alert>
          ) : (
            evaluation.warnings.map((w, i) => (
              <Alert key={i} severity="warning" data-testid="evaluate-warning">
                {loc(w)}
              </Alert>
            ))
          )}
        </Stack>
      </Paper>

      <Paper sx={{ p: 2 }} data-testid="evaluate-memorization">
        <Stack spacing={1.5}>
          <SectionTitle title={t("evaluate.memorization.title")} intro={t("evaluate.memorization.intro")} />
          {pii.length > 0 && (
            <Alert severity="error" variant="filled" role="alert" data-testid="evaluate-pii">
              <AlertTitle>{t("evaluate.memorization.piiTitle")}</AlertTitle>
              <Typography variant="body2" sx={{ mb: 1 }}>
                {t("evaluate.memorization.piiText", { count: pii.length })}
              </Typography>
              {pii.slice(0, 5).map((h, i) => (
                <Box key={i} sx={{ mt: 1 }}>
                  <Typography variant="body2">
                    <strong>{t("evaluate.memorization.piiSpan")}</strong> “{h.span}”
                  </Typography>
                  <Typography variant="body2" sx={LONG_TEXT_SX}>
                    <strong>{t("evaluate.memorization.piiExample")}</strong> {h.example}
                  </Typography>
                </Box>
              ))}
            </Alert>
          )}
          <Typography>{mem.probes > 0 ? t("evaluate.memorization.summary", { verbatim: mem.verbatim, probes: mem.probes }) + ` (${formatPercent(mem.verbatim / mem.probes, lang)})` : t("evaluate.memorization.noProbes")}</Typography>
          {pii.length === 0 && <Alert severity="success">{t("evaluate.memorization.piiNone")}</Alert>}
        </Stack>
      </Paper>

      <Paper sx={{ p: 2 }} data-testid="evaluate-worst">
        <Stack spacing={1.5}>
          <SectionTitle title={t("evaluate.worst.title")} intro={t("evaluate.worst.intro")} />
          {evaluation.worst.length === 0 && <Typography color="text.secondary">{t("evaluate.worst.none")}</Typography>}
          {evaluation.worst.map((w, i) => (
            <Paper key={i} variant="outlined" sx={{ p: 2 }} component="article" aria-label={t("evaluate.worst.item", { n: i + 1 })}>
              <Stack spacing={1}>
                <Typography variant="subtitle1" component="h4">
                  {t("evaluate.worst.item", { n: i + 1 })}
                </Typography>
                <Answer label={t("evaluate.worst.prompt")} text={w.prompt} emptyText={t("evaluate.worst.empty")} />
                <Answer label={t("evaluate.worst.reference")} text={w.reference} emptyText={t("evaluate.worst.empty")} />
                <Box sx={TWO_COLUMNS_SX}>
                  <Answer label={t("evaluate.worst.base")} text={w.base} emptyText={t("evaluate.worst.empty")} />
                  <Answer label={t("evaluate.worst.tuned")} text={w.tuned} emptyText={t("evaluate.worst.empty")} />
                </Box>
                <Typography variant="caption" color="text.secondary">
                  {t("evaluate.worst.f1", { value: formatPercent(w.f1Tuned, lang) })}
                </Typography>
              </Stack>
            </Paper>
          ))}
        </Stack>
      </Paper>
    </Stack>
  );
}
