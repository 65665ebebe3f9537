import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import Dialog from "@mui/material/Dialog";
import DialogActions from "@mui/material/DialogActions";
import DialogContent from "@mui/material/DialogContent";
import DialogContentText from "@mui/material/DialogContentText";
import DialogTitle from "@mui/material/DialogTitle";
import MenuItem from "@mui/material/MenuItem";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ColumnMapping } from "../../../electron/contract/dto";

export type ColumnField = keyof ColumnMapping;
const FIELDS: { field: ColumnField; required: boolean }[] = [
  { field: "question", required: true },
  { field: "answer", required: true },
  { field: "system", required: false },
  { field: "context", required: false },
];

/**
 * Which column of a CSV/XLSX file holds the question, the answer and (optionally) the system prompt and context.
 * Mount it when it opens (its choices start from `table.mapping`); `onSave` gets only the chosen fields.
 */
export function ColumnMappingDialog({
  table,
  onSave,
  onClose,
}: {
  table: { file: string; headers: string[]; mapping: ColumnMapping };
  onSave: (mapping: ColumnMapping) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  // A mapping names a header; empty names cannot be chosen (the api needs at least one character).
  const headers = [...new Set(table.headers.filter((h) => h.trim() !== ""))];
  const [choice, setChoice] = useState<Record<ColumnField, string>>(() => {
    const pick = (c: string | undefined) => (c !== undefined && headers.includes(c) ? c : "");
    return { question: pick(table.mapping.question), answer: pick(table.mapping.answer), system: pick(table.mapping.system), context: pick(table.mapping.context) };
  });
  const same = choice.question !== "" && choice.question === choice.answer;
  const complete = choice.question !== "" && choice.answer !== "";

  const save = () => {
    const mapping: ColumnMapping = {};
    for (const { field } of FIELDS) if (choice[field] !== "") mapping[field] = choice[field];
    onSave(mapping);
  };

  return (
    <Dialog open onClose={onClose} aria-labelledby="columns-title" aria-describedby="columns-intro" data-testid="columns-dialog" fullWidth maxWidth="sm">
      <DialogTitle id="columns-title" sx={{ wordBreak: "break-all" }}>
        {t("data.columns.title", { file: table.file })}
      </DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <DialogContentText id="columns-intro">{t("data.columns.intro")}</DialogContentText>
          {FIELDS.map(({ field, required }) => (
            <TextField
              key={field}
              select
              required={required}
              label={t(`data.columns.field.${field}`)}
              value={choice[field]}
              onChange={(e) => setChoice((c) => ({ ...c, [field]: e.target.value }))}
              error={required && same}
              data-testid={`columns-${field}`}
              slotProps={required ? undefined : { inputLabel: { shrink: true }, select: { displayEmpty: true } }}
            >
              {!required && (
                <MenuItem value="">
                  <em>{t("data.columns.none")}</em>
                </MenuItem>
              )}
              {headers.map((h) => (
                <MenuItem key={h} value={h}>
                  {h}
                </MenuItem>
              ))}
            </TextField>
          ))}
          {same && <Alert severity="error">{t("data.columns.same")}</Alert>}
          {headers.length === 0 && <Alert severity="warning">{t("data.columns.noHeaders")}</Alert>}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} data-testid="columns-cancel">
          {t("common.cancel")}
        </Button>
        <Button variant="contained" disabled={!complete || same} onClick={save} data-testid="columns-save">
          {t("data.columns.save")}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
