import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Paper from "@mui/material/Paper";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { BlindPair, BlindSummary } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { formatPercent } from "../format";
import { useAction } from "../hooks/useAction";
import { useLocalized } from "../hooks/useLocalized";
import { useQuery } from "../hooks/useQuery";
import { Busy } from "./Busy";
import { ErrorAlert } from "./ErrorAlert";
import { LONG_TEXT_SX, TWO_COLUMNS_SX } from "../longText";

type Choice = "left" | "right" | "tie";

/** The running tally of the blind review (tuned wins, base wins, ties, win rate with its 95% interval). */
export function BlindSummaryView({ summary }: { summary: BlindSummary | null }) {
  const { t } = useTranslation();
  const { lang } = useLocalized();
  return (
    <Box data-testid="blind-summary" role="status" aria-live="polite">
      <Typography variant="subtitle1" component="h4">
        {t("evaluate.blind.summaryTitle")}
      </Typography>
      {!summary || summary.rated === 0 ? (
        <Typography color="text.secondary">{t("evaluate.blind.summaryNone")}</Typography>
      ) : (
        <>
          <Typography>{t("evaluate.blind.summary", { rated: summary.rated, tuned: summary.tunedWins, base: summary.baseWins, ties: summary.ties })}</Typography>
          {summary.winRate == null ? (
            <Typography color="text.secondary">{t("evaluate.blind.winRateNone")}</Typography>
          ) : (
            <>
              <Typography>
                {t("evaluate.blind.winRate", {
                  rate: formatPercent(summary.winRate, lang),
                  low: summary.interval ? formatPercent(summary.interval[0], lang) : "—",
                  high: summary.interval ? formatPercent(summary.interval[1], lang) : "—",
                })}
              </Typography>
              <Typography variant="body2" color="text.secondary">
                {t("evaluate.blind.winRateHelp")}
              </Typography>
            </>
          )}
        </>
      )}
    </Box>
  );
}

function Text({ label, text }: { label: string; text: string }) {
  const { t } = useTranslation();
  const empty = !text.trim();
  return (
    <Box>
      <Typography variant="subtitle2" component="h5">
        {label}
      </Typography>
      <Typography sx={{ ...LONG_TEXT_SX, fontStyle: empty ? "italic" : undefined }} color={empty ? "text.secondary" : undefined}>
        {empty ? t("evaluate.worst.empty") : text}
      </Typography>
    </Box>
  );
}

/**
 * Blind A/B review: one pair at a time, "Answer 1" / "Answer 2" with no hint of which model wrote which; after
 * rating, the tuned side is revealed. `onRated` lets the screen refresh the evaluation's summary.
 */
export function BlindReview({ evaluationId, summary, onRated }: { evaluationId: string; summary: BlindSummary | null; onRated: () => void }) {
  const { t } = useTranslation();
  const pairs = useQuery(() => api.listBlindPairs({ evaluationId }), [evaluationId], ["evaluations"]);
  const list = pairs.data ?? [];
  const [index, setIndex] = useState<number | null>(null);
  const [comment, setComment] = useState("");

  // Start at the first unrated pair once the list arrives.
  useEffect(() => {
    if (index === null && pairs.data) {
      const first = pairs.data.findIndex((p) => !p.revealed);
      setIndex(first < 0 ? 0 : first);
    }
  }, [pairs.data, index]);
  useEffect(() => setIndex(null), [evaluationId]);

  const rate = useAction(async (pair: BlindPair, choice: Choice) => {
    const rated = await api.rateBlindPair({ pairId: pair.id, choice, ...(comment.trim() ? { comment: comment.trim() } : {}) });
    pairs.setData(list.map((p) => (p.id === rated.id ? rated : p)));
    setComment("");
    onRated();
  });

  if (pairs.loading && !pairs.data) return <Busy label={t("common.loading")} />;
  if (pairs.error) return <ErrorAlert error={pairs.error} />;
  if (list.length === 0) return <Typography color="text.secondary">{t("evaluate.blind.empty")}</Typography>;

  const i = Math.min(index ?? 0, list.length - 1);
  const pair = list[i]!;
  const go = (n: number) => {
    setIndex(n);
    setComment("");
    rate.setError(null);
  };
  const nextUnrated = list.findIndex((p, j) => j > i && !p.revealed);
  const allRated = list.every((p) => p.revealed);
  const answerNo = (side: "left" | "right") => (side === "left" ? "1" : "2");
  const choiceText = (c: Choice) => (c === "tie" ? t("evaluate.blind.tie") : c === "left" ? t("evaluate.blind.left") : t("evaluate.blind.right"));

  return (
    <Stack spacing={2}>
      <Paper variant="outlined" sx={{ p: 2 }} component="section" aria-label={t("evaluate.blind.pairOf", { n: i + 1, total: list.length })} data-testid="blind-pair">
        <Stack spacing={1.5}>
          <Typography variant="subtitle1" component="h4">
            {t("evaluate.blind.pairOf", { n: i + 1, total: list.length })}
          </Typography>
          <Text label={t("evaluate.blind.question")} text={pair.question} />
          {pair.reference && <Text label={t("evaluate.blind.reference")} text={pair.reference} />}
          <Box sx={TWO_COLUMNS_SX}>
            <Paper variant="outlined" sx={{ p: 1.5 }} data-testid="blind-answer-left">
              <Text label={t("evaluate.blind.answer1")} text={pair.left} />
            </Paper>
            <Paper variant="outlined" sx={{ p: 1.5 }} data-testid="blind-answer-right">
              <Text label={t("evaluate.blind.answer2")} text={pair.right} />
            </Paper>
          </Box>
          {pair.revealed ? (
            <Alert severity="info" data-testid="blind-revealed">
              <Typography>{t("evaluate.blind.revealed", { tuned: answerNo(pair.revealed.tunedSide), base: answerNo(pair.revealed.tunedSide === "left" ? "right" : "left") })}</Typography>
              <Typography>{t("evaluate.blind.yourChoice", { choice: choiceText(pair.revealed.choice) })}</Typography>
              {pair.revealed.comment && <Typography>{t("evaluate.blind.yourComment", { comment: pair.revealed.comment })}</Typography>}
            </Alert>
          ) : (
            <Stack spacing={1.5} role="group" aria-label={t("evaluate.blind.which")}>
              <Typography sx={{ fontWeight: 500 }}>{t("evaluate.blind.which")}</Typography>
              <TextField label={t("evaluate.blind.comment")} size="small" multiline value={comment} onChange={(e) => setComment(e.target.value)} slotProps={{ htmlInput: { maxLength: 2000, "data-testid": "blind-comment" } }} />
              <Stack direction="row" spacing={1} sx={{ flexWrap: "wrap", rowGap: 1 }}>
                <Button variant="contained" disabled={rate.busy} onClick={() => void rate.run(pair, "left")} data-testid="blind-left">
                  {t("evaluate.blind.left")}
                </Button>
                <Button variant="contained" disabled={rate.busy} onClick={() => void rate.run(pair, "right")} data-testid="blind-right">
                  {t("evaluate.blind.right")}
                </Button>
                <Button variant="outlined" disabled={rate.busy} onClick={() => void rate.run(pair, "tie")} data-testid="blind-tie">
                  {t("evaluate.blind.tie")}
                </Button>
              </Stack>
            </Stack>
          )}
          <ErrorAlert error={rate.error} onClose={() => rate.setError(null)} />
          <Stack direction="row" spacing={1} sx={{ flexWrap: "wrap", rowGap: 1, alignItems: "center" }}>
            <Button disabled={i === 0} onClick={() => go(i - 1)} data-testid="blind-prev">
              {t("evaluate.blind.prev")}
            </Button>
            <Button disabled={i >= list.length - 1} onClick={() => go(nextUnrated > i ? nextUnrated : i + 1)} variant={pair.revealed ? "contained" : "text"} data-testid="blind-next">
              {t("evaluate.blind.next")}
            </Button>
            {allRated && <Typography color="success.main">{t("evaluate.blind.allRated")}</Typography>}
          </Stack>
        </Stack>
      </Paper>
      <BlindSummaryView summary={summary} />
    </Stack>
  );
}
