import Alert from "@mui/material/Alert";
import { useTranslation } from "react-i18next";
import type { StepProps } from "./ProjectWizard";

/**
 * Slot for issue 9 (golden questions, held-out metrics, blind pairs, sign-off). Another helper replaces this
 * component; the step, its route (#/project/<id>/evaluate) and its test id (screen-evaluate) already exist.
 */
export function EvaluateScreen(_props: StepProps) {
  const { t } = useTranslation();
  return (
    <Alert severity="info" data-testid="evaluate-placeholder">
      {t("evaluate.placeholder")}
    </Alert>
  );
}
