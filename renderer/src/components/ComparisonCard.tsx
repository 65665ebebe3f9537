import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Paper from "@mui/material/Paper";
import Stack from "@mui/material/Stack";
import Typography from "@mui/material/Typography";
import { useTranslation } from "react-i18next";
import type { ComparisonView, RatingChoice } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { useAction } from "../hooks/useAction";
import { ErrorAlert } from "./ErrorAlert";
import { LONG_TEXT_SX, TWO_COLUMNS_SX } from "../longText";

const CHOICES: RatingChoice[] = ["a", "b", "tie", "both-bad"];

/**
 * Two answers side by side. Blind comparisons say only "Answer A"/"Answer B" until rated; then the api fills in
 * aIs/bIs and the card shows which was which.
 */
export function ComparisonCard(props: {
  view: ComparisonView | null;
  /** Text while streaming (before the comparison comes back). */
  streaming?: { a: string; b: string; blind: boolean } | null;
  onRated?: (v: ComparisonView) => void;
  /** "compare" for the main card: answers get compare-answer-a/b and buttons rate-a...; others get a prefix. */
  prefix: string;
}) {
  const { t } = useTranslation();
  const v = props.view;
  const blind = v?.blind ?? props.streaming?.blind ?? false;
  const texts = { a: v?.a ?? props.streaming?.a ?? "", b: v?.b ?? props.streaming?.b ?? "" };
  const is = { a: v?.aIs ?? null, b: v?.bIs ?? null };
  const rate = useAction(async (choice: RatingChoice) => {
    if (!v) return;
    props.onRated?.(await api.rateComparison({ comparisonId: v.id, choice }));
  });
  const ratePrefix = props.prefix === "compare" ? "rate" : `${props.prefix}-rate`;
  const label = (side: "a" | "b") => {
    const letter = side === "a" ? t("compare.answerA") : t("compare.answerB");
    if (!is[side]) return blind ? letter : side === "a" ? t("compare.leftSide") : t("compare.rightSide");
    return t("compare.answerIs", { letter, model: t(`compare.is.${is[side]}`) });
  };

  return (
    <Stack spacing={1}>
      {v?.prompt && (
        <Typography variant="body2" sx={LONG_TEXT_SX}>
          <strong>{t("compare.prompt")}:</strong> {v.prompt}
        </Typography>
      )}
      <Box sx={TWO_COLUMNS_SX}>
        {(["a", "b"] as const).map((side) => (
          <Paper key={side} variant="outlined" sx={{ p: 2, minHeight: 120 }} component="section" aria-label={label(side)}>
            <Typography variant="subtitle2" component="h3" sx={{ mb: 1 }}>
              {label(side)}
            </Typography>
            <Typography sx={{ ...LONG_TEXT_SX, maxHeight: 480, overflowY: "auto" }} tabIndex={0} data-testid={`${props.prefix}-answer-${side}`}>
              {texts[side].trim() ? texts[side] : v ? t("compare.empty") : "…"}
            </Typography>
          </Paper>
        ))}
      </Box>
      {v?.reference != null && (
        <Paper variant="outlined" sx={{ p: 2 }} data-testid={`${props.prefix}-reference`}>
          <Typography variant="subtitle2" component="h3">
            {t("compare.reference")}
          </Typography>
          <Typography sx={LONG_TEXT_SX}>{v.reference}</Typography>
        </Paper>
      )}
      {v && (
        <Stack direction="row" spacing={1} sx={{ flexWrap: "wrap", alignItems: "center" }} role="group" aria-label={t("compare.rate")}>
          <Typography variant="body2">{t("compare.whichBetter")}</Typography>
          {CHOICES.map((c) => (
            <Button
              key={c}
              size="small"
              variant={v.rating?.choice === c ? "contained" : "outlined"}
              disabled={rate.busy}
              onClick={() => void rate.run(c)}
              data-testid={`${ratePrefix}-${c}`}
              aria-pressed={v.rating?.choice === c}
            >
              {t(`compare.choice.${c}`)}
            </Button>
          ))}
        </Stack>
      )}
      {v?.rating && blind && is.a && (
        <Alert severity="info" data-testid={`${props.prefix}-revealed`}>
          {t("compare.revealed", { a: t(`compare.is.${is.a}`), b: t(`compare.is.${is.b ?? "base"}`) })}
        </Alert>
      )}
      <ErrorAlert error={rate.error} />
    </Stack>
  );
}
