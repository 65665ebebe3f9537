import Chip from "@mui/material/Chip";
import Stack from "@mui/material/Stack";
import Typography from "@mui/material/Typography";
import { useTranslation } from "react-i18next";
import type { DraftChecks } from "../../../electron/contract/dto";
import { checkResults } from "../drafting/checkResults";

/**
 * A draft's check results: one chip per flag with a one-line plain explanation, or one chip saying the draft
 * passes them all (and what that means).
 */
export function DraftChecksView({ checks, testId }: { checks: DraftChecks; testId: string }) {
  const { t } = useTranslation();
  const flagged = checkResults(checks).filter((c) => !c.ok);
  if (flagged.length === 0)
    return (
      <Stack spacing={0.5} data-testid={testId} data-passed="true">
        <Chip size="small" color="success" variant="outlined" label={t("drafting.checks.passed.label")} sx={{ alignSelf: "flex-start" }} />
        <Typography variant="body2" color="text.secondary">
          {t("drafting.checks.passed.text")}
        </Typography>
      </Stack>
    );
  return (
    <Stack spacing={1} data-testid={testId} data-passed="false">
      {flagged.map((c) => {
        const kinds = (c.kinds ?? []).map((k) => t(`pii.${k}`)).join(", ");
        return (
          <Stack key={c.id} spacing={0.25} data-testid={`${testId}-${c.id}`}>
            <Chip size="small" color="warning" label={t(`drafting.checks.${c.id}.${c.state}.label`)} sx={{ alignSelf: "flex-start" }} />
            <Typography variant="body2" color="text.secondary">
              {t(`drafting.checks.${c.id}.${c.state}.text`, { kinds })}
            </Typography>
          </Stack>
        );
      })}
    </Stack>
  );
}
