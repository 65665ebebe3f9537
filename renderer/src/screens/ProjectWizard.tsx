import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Paper from "@mui/material/Paper";
import Stack from "@mui/material/Stack";
import Step from "@mui/material/Step";
import StepButton from "@mui/material/StepButton";
import Stepper from "@mui/material/Stepper";
import Typography from "@mui/material/Typography";
import { useTranslation } from "react-i18next";
import type { ProjectSummary } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { Busy } from "../components/Busy";
import { ErrorAlert } from "../components/ErrorAlert";
import { useQuery } from "../hooks/useQuery";
import { rememberStep, STEPS, type Route, type Step as StepName } from "../router";
import { CompareScreen } from "./CompareScreen";
import { DataScreen } from "./DataScreen";
import { EvaluateScreen } from "./EvaluateScreen";
import { ExportScreen } from "./ExportScreen";
import { ModelScreen } from "./ModelScreen";
import { SettingsScreen } from "./SettingsScreen";
import { TrainScreen } from "./TrainScreen";
import { readRunChoice } from "../hooks/useRunChoice";
import { useEffect } from "react";

export interface StepProps {
  project: ProjectSummary;
  /** Go to another step of this project. */
  goStep: (step: StepName) => void;
  reloadProject: () => void;
}

function done(step: StepName, p: ProjectSummary): boolean {
  switch (step) {
    case "model":
      return !!p.modelId;
    case "data":
      return !!p.datasetId;
    case "settings":
      // Chosen ("Use these settings") or already trained with.
      return readRunChoice(p.id).accepted || !!p.latestRun;
    case "train":
      return !!p.bestRun;
    default:
      return false;
  }
}

export function ProjectWizard({ projectId, step, go }: { projectId: string; step: StepName; go: (r: Route) => void }) {
  const { t } = useTranslation();
  const project = useQuery(() => api.getProject({ projectId }), [projectId], ["projects", "runs", "datasets", "models"]);
  const goStep = (s: StepName) => go({ page: "project", projectId, step: s });
  const p = project.data;
  const index = STEPS.indexOf(step);
  useEffect(() => rememberStep(projectId, step), [projectId, step]);
  /** Next stays off until the step's own choice is made (a model, then data), and says why. */
  const blocked = !p ? null : step === "model" && !p.modelId ? t("wizard.needModel") : step === "data" && !p.datasetId ? t("wizard.needData") : null;

  return (
    <Stack spacing={2}>
      <Stack direction="row" spacing={2} sx={{ alignItems: "center" }}>
        <Button onClick={() => go({ page: "projects" })} data-testid="back-to-projects">
          {"← "}
          {t("wizard.allProjects")}
        </Button>
        <Typography variant="h5" component="h1" data-testid="project-title">
          {p?.name ?? ""}
        </Typography>
      </Stack>
      <ErrorAlert error={project.error} />
      {!p && project.loading && <Busy label={t("common.loading")} />}
      {p && (
        <>
          <Paper sx={{ p: 2, overflowX: "auto" }} component="nav" aria-label={t("wizard.steps")}>
            <Stepper nonLinear activeStep={index} alternativeLabel>
              {STEPS.map((s) => (
                <Step key={s} completed={done(s, p)}>
                  <StepButton onClick={() => goStep(s)} data-testid={`step-${s}`} aria-current={s === step ? "step" : undefined}>
                    {t(`wizard.step.${s}`)}
                  </StepButton>
                </Step>
              ))}
            </Stepper>
          </Paper>
          <Box component="section" aria-label={t(`wizard.step.${step}`)} data-testid={`screen-${step}`}>
            {step === "model" && <ModelScreen project={p} goStep={goStep} reloadProject={project.reload} />}
            {step === "data" && <DataScreen project={p} goStep={goStep} reloadProject={project.reload} />}
            {step === "settings" && <SettingsScreen project={p} goStep={goStep} reloadProject={project.reload} />}
            {step === "train" && <TrainScreen project={p} goStep={goStep} reloadProject={project.reload} />}
            {step === "compare" && <CompareScreen project={p} goStep={goStep} reloadProject={project.reload} />}
            {step === "evaluate" && <EvaluateScreen project={p} goStep={goStep} reloadProject={project.reload} />}
            {step === "export" && <ExportScreen project={p} goStep={goStep} reloadProject={project.reload} />}
          </Box>
          <Stack direction="row" sx={{ justifyContent: "space-between", alignItems: "center" }}>
            <Button disabled={index <= 0} onClick={() => goStep(STEPS[index - 1]!)} data-testid="step-back">
              {t("wizard.back")}
            </Button>
            <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
              {blocked && (
                <Typography variant="body2" color="text.secondary" id="step-next-why" data-testid="step-next-why">
                  {blocked}
                </Typography>
              )}
              <Button disabled={index >= STEPS.length - 1 || !!blocked} onClick={() => goStep(STEPS[index + 1]!)} data-testid="step-next" aria-describedby={blocked ? "step-next-why" : undefined}>
                {t("wizard.next")}
              </Button>
            </Stack>
          </Stack>
        </>
      )}
    </Stack>
  );
}
