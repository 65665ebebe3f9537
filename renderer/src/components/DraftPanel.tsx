import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import Paper from "@mui/material/Paper";
import Stack from "@mui/material/Stack";
import Typography from "@mui/material/Typography";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileRef, ProjectSummary } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { documentFiles } from "../drafting/documentFiles";
import { keptPairs } from "../drafting/draftJobs";
import { useAction } from "../hooks/useAction";
import { useAppContext } from "../hooks/useAppContext";
import { useDraftJobs } from "../hooks/useDraftJobs";
import { LONG_TEXT_SX } from "../longText";
import { DraftProgress } from "./DraftProgress";
import { DraftReview } from "./DraftReview";
import { DraftStartDialog } from "./DraftStartDialog";
import { ErrorAlert } from "./ErrorAlert";

/**
 * The Data step's drafting part: once documents are among the added files, a local model drafts question-answer
 * pairs from them; the newest job's progress and review table; and the accepted pairs handed to the Data step
 * (`onUse`) as a file that replaces the documents it was drafted from, to be previewed and imported as usual.
 */
export function DraftPanel({ project, files, onUse }: { project: ProjectSummary; files: FileRef[]; onUse: (file: FileRef, replaces: string[]) => void }) {
  const { t } = useTranslation();
  const { notify } = useAppContext();
  const jobs = useDraftJobs(project.id);
  const job = jobs.job;
  const documents = documentFiles(files);
  const [starting, setStarting] = useState(false);

  const use = useAction(async () => {
    if (!job) return;
    const { file, pairs } = await api.exportAcceptedDrafts({ jobId: job.id });
    onUse(file, job.files.map((f) => f.name));
    notify(t("drafting.used", { n: pairs }), "success");
  });

  if (documents.length === 0 && !job) return null;
  const drafting = job?.status === "running";
  const kept = job ? keptPairs(job) : 0;
  return (
    <Paper sx={{ p: 2 }} component="section" aria-labelledby="draft-h" data-testid="draft-panel">
      <Stack spacing={2}>
        <Typography variant="h6" component="h3" id="draft-h">
          {t("drafting.title")}
        </Typography>
        {documents.length > 0 && (
          <Stack spacing={1} sx={{ alignItems: "flex-start" }}>
            <Typography variant="body2" color="text.secondary" sx={LONG_TEXT_SX}>
              {t("drafting.intro", { list: documents.map((d) => d.name).join(", ") })}
            </Typography>
            <Button variant="contained" disabled={drafting} onClick={() => setStarting(true)} data-testid="draft-open">
              {t("drafting.start")}
            </Button>
            {drafting && <Typography variant="body2">{t("drafting.oneAtATime")}</Typography>}
          </Stack>
        )}
        <ErrorAlert error={jobs.error} />
        {job && (
          <>
            <DraftProgress job={job} onChange={jobs.put} />
            {job.counts.total > 0 && <DraftReview job={job} onJob={jobs.put} />}
            {job.counts.total > 0 && (
              <Stack spacing={1} sx={{ alignItems: "flex-start" }} data-testid="draft-use-section">
                <Typography variant="body2" color="text.secondary">
                  {t("drafting.useText", { n: kept })}
                </Typography>
                <Button variant="contained" color="success" disabled={kept === 0 || drafting || use.busy} onClick={() => void use.run()} data-testid="draft-use">
                  {t("drafting.use", { n: kept })}
                </Button>
                {drafting && kept > 0 && <Alert severity="info">{t("drafting.useWhenDone")}</Alert>}
                <ErrorAlert error={use.error} />
              </Stack>
            )}
          </>
        )}
      </Stack>
      {starting && (
        <DraftStartDialog
          project={project}
          documents={documents}
          onClose={() => setStarting(false)}
          onStarted={(j) => {
            setStarting(false);
            jobs.put(j);
          }}
        />
      )}
    </Paper>
  );
}
