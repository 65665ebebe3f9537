import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import IconButton from "@mui/material/IconButton";
import List from "@mui/material/List";
import ListItem from "@mui/material/ListItem";
import ListItemText from "@mui/material/ListItemText";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileRef } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { useAction } from "../hooks/useAction";
import { useAppContext } from "../hooks/useAppContext";
import { useQuery } from "../hooks/useQuery";
import { Busy } from "./Busy";
import { ErrorAlert } from "./ErrorAlert";
import { FileDrop } from "./FileDrop";
import { LONG_TEXT_SX } from "../longText";

const short = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The project's golden questions: list, delete, add one, import a CSV/JSONL file. */
export function GoldenQuestions({ projectId }: { projectId: string }) {
  const { t } = useTranslation();
  const { notify } = useAppContext();
  const list = useQuery(() => api.listGoldenQuestions({ projectId }), [projectId], ["evaluations"]);
  const [question, setQuestion] = useState("");
  const [reference, setReference] = useState("");
  const [importing, setImporting] = useState<string | null>(null);

  const add = useAction(async () => {
    const q = question.trim();
    if (!q) return;
    await api.addGoldenQuestions({ projectId, questions: [{ question: q, reference: reference.trim() ? reference.trim() : null }] });
    setQuestion("");
    setReference("");
    notify(t("evaluate.golden.added"), "success");
    list.reload();
  });
  const remove = useAction(async (id: string) => {
    await api.deleteGoldenQuestion({ questionId: id });
    list.reload();
  });
  const importFiles = useAction(async (refs: FileRef[]) => {
    let count = 0;
    try {
      for (const ref of refs) {
        setImporting(ref.name);
        count += (await api.importGoldenQuestions({ projectId, path: ref.path })).length;
      }
    } finally {
      setImporting(null);
      list.reload();
    }
    notify(t("evaluate.golden.imported", { count }), "success");
  });

  const questions = list.data ?? [];
  return (
    <Stack spacing={2}>
      <Typography variant="h6" component="h3">
        {t("evaluate.golden.title")}
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {t("evaluate.golden.intro")}
      </Typography>
      <ErrorAlert error={list.error} />
      {list.loading && !list.data && <Busy label={t("common.loading")} />}
      <Box data-testid="evaluate-golden-list">
        {list.data && questions.length === 0 && <Typography color="text.secondary">{t("evaluate.golden.empty")}</Typography>}
        {questions.length > 0 && (
          <>
            <Typography variant="body2">{t("evaluate.golden.count", { count: questions.length })}</Typography>
            <List dense aria-label={t("evaluate.golden.title")} sx={{ maxHeight: 360, overflow: "auto" }}>
              {questions.map((g) => (
                <ListItem
                  key={g.id}
                  divider
                  data-testid="golden-question"
                  secondaryAction={
                    <IconButton edge="end" aria-label={t("evaluate.golden.delete", { question: short(g.question) })} onClick={() => void remove.run(g.id)} disabled={remove.busy} data-testid="golden-delete">
                      <span aria-hidden="true">✕</span>
                    </IconButton>
                  }
                >
                  <ListItemText
                    primary={g.question}
                    secondary={g.reference ?? t("evaluate.golden.noReference")}
                    slotProps={{ primary: { sx: LONG_TEXT_SX }, secondary: { sx: { ...LONG_TEXT_SX, fontStyle: g.reference ? undefined : "italic" } } }}
                  />
                </ListItem>
              ))}
            </List>
          </>
        )}
      </Box>
      <ErrorAlert error={remove.error} onClose={() => remove.setError(null)} />
      <Stack spacing={1.5} component="form" onSubmit={(e) => { e.preventDefault(); void add.run(); }}>
        <TextField label={t("evaluate.golden.question")} multiline minRows={2} value={question} onChange={(e) => setQuestion(e.target.value)} slotProps={{ htmlInput: { "data-testid": "golden-question-input", maxLength: 20_000 } }} />
        <TextField label={t("evaluate.golden.reference")} multiline minRows={2} value={reference} onChange={(e) => setReference(e.target.value)} slotProps={{ htmlInput: { "data-testid": "golden-reference-input", maxLength: 20_000 } }} />
        <Box>
          <Button type="submit" variant="outlined" disabled={!question.trim() || add.busy} data-testid="golden-add">
            {t("evaluate.golden.add")}
          </Button>
        </Box>
        <ErrorAlert error={add.error} onClose={() => add.setError(null)} />
      </Stack>
      <FileDrop purpose="golden" accept=".csv,.jsonl,.json" label={t("evaluate.golden.upload")} onFiles={(refs) => void importFiles.run(refs)} testId="golden-upload" />
      <Typography variant="body2" color="text.secondary">
        {t("evaluate.golden.fileHint")}
      </Typography>
      {importing && <Busy label={t("evaluate.golden.importing", { name: importing })} />}
      <ErrorAlert error={importFiles.error} onClose={() => importFiles.setError(null)} />
    </Stack>
  );
}
