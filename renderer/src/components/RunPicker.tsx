import MenuItem from "@mui/material/MenuItem";
import TextField from "@mui/material/TextField";
import { useTranslation } from "react-i18next";
import type { RunView } from "../../../electron/contract/dto";
import { formatDate } from "../format";
import { useLocalized } from "../hooks/useLocalized";
import { runNumber } from "../hooks/useRuns";

/** "Run 2 · Dec 3, 12:30 · checking loss 1.23 · rank 8": which finished run a step works on, when there are several. */
export function RunPicker({ runs, finished, value, onChange }: { runs: RunView[]; finished: RunView[]; value: RunView; onChange: (id: string) => void }) {
  const { t } = useTranslation();
  const { lang } = useLocalized();
  if (finished.length < 2) return null;
  return (
    <TextField
      select
      size="small"
      label={t("run.pick")}
      value={value.id}
      onChange={(e) => onChange(e.target.value)}
      helperText={t("run.pickHelp")}
      sx={{ maxWidth: 560 }}
      data-testid="run-picker"
    >
      {finished.map((r) => (
        <MenuItem key={r.id} value={r.id} data-testid={`run-option-${runNumber(runs, r.id)}`}>
          {t("run.label", { n: runNumber(runs, r.id), date: formatDate(r.endedAt ?? r.createdAt, lang), loss: r.bestValLoss != null ? r.bestValLoss.toFixed(3) : "—", rank: r.settings.rank })}
        </MenuItem>
      ))}
    </TextField>
  );
}
