import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Checkbox from "@mui/material/Checkbox";
import FormControl from "@mui/material/FormControl";
import FormControlLabel from "@mui/material/FormControlLabel";
import FormGroup from "@mui/material/FormGroup";
import FormHelperText from "@mui/material/FormHelperText";
import FormLabel from "@mui/material/FormLabel";
import MenuItem from "@mui/material/MenuItem";
import Switch from "@mui/material/Switch";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { TrainSettings } from "../../../electron/contract/dto";
import { parseFieldText, SETTINGS_FIELDS, TARGETS, validateField } from "../settingsFields";

/** A stored number as the user would type it: 0.21, not 0.21000000000000002. */
const fieldText = (v: unknown) => (typeof v === "number" ? String(Number(v.toPrecision(6))) : String(v));

/** Every TrainSettings field, validated as you type; valid changes become overrides, invalid ones are reported. */
export function AdvancedSettings(props: {
  base: TrainSettings;
  overrides: Partial<TrainSettings>;
  onChange: (overrides: Partial<TrainSettings>, invalid: string[]) => void;
}) {
  const { t } = useTranslation();
  const [texts, setTexts] = useState<Partial<Record<keyof TrainSettings, string>>>({});
  const [errors, setErrors] = useState<Partial<Record<keyof TrainSettings, string>>>({});
  const value = <K extends keyof TrainSettings>(k: K): TrainSettings[K] => (props.overrides[k] ?? props.base[k]) as TrainSettings[K];

  const set = (k: keyof TrainSettings, v: unknown, text?: string) => {
    if (text !== undefined) setTexts((s) => ({ ...s, [k]: text }));
    const err = validateField(k, v);
    const nextErrors = { ...errors };
    if (err) nextErrors[k] = err;
    else delete nextErrors[k];
    setErrors(nextErrors);
    const next = { ...props.overrides };
    if (!err) {
      if (JSON.stringify(v) === JSON.stringify(props.base[k])) delete next[k];
      else (next as Record<string, unknown>)[k] = v;
    }
    props.onChange(next, Object.keys(nextErrors));
  };

  return (
    <Box data-testid="advanced-settings">
      <Box sx={{ display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(220px, 1fr))", gap: 2 }}>
        {SETTINGS_FIELDS.map(({ key, kind }) => {
          const label = t(`settings.field.${key}`);
          /** One plain line on what the setting does, under it (its error instead, while the value is wrong). */
          const help = t(`settings.fieldHelp.${key}`);
          const helpId = `setting-help-${key}`;
          const err = errors[key];
          if (kind === "bool")
            return (
              <Box key={key}>
                <FormControlLabel
                  control={<Switch checked={value(key) as boolean} onChange={(e) => set(key, e.target.checked)} slotProps={{ input: { "data-testid": `setting-${key}`, "aria-describedby": helpId } as object }} />}
                  label={label}
                />
                <FormHelperText id={helpId}>{help}</FormHelperText>
              </Box>
            );
          if (kind === "schedule")
            return (
              <TextField key={key} select size="small" label={label} value={value(key)} helperText={help} onChange={(e) => set(key, e.target.value)} data-testid={`setting-${key}`}>
                {(["cosine", "linear", "constant"] as const).map((s) => (
                  <MenuItem key={s} value={s}>
                    {t(`settings.schedule.${s}`)}
                  </MenuItem>
                ))}
              </TextField>
            );
          if (kind === "targets") {
            const cur = value("targets");
            return (
              <FormControl key={key} error={!!err} component="fieldset" sx={{ gridColumn: "1 / -1" }}>
                <FormLabel component="legend">{label}</FormLabel>
                <FormGroup row>
                  {TARGETS.map((tg) => (
                    <FormControlLabel
                      key={tg}
                      label={tg}
                      control={
                        <Checkbox
                          checked={cur.includes(tg)}
                          onChange={(e) => set("targets", e.target.checked ? [...cur, tg] : cur.filter((x) => x !== tg))}
                          slotProps={{ input: { "data-testid": `setting-target-${tg}` } as object }}
                        />
                      }
                    />
                  ))}
                </FormGroup>
                <FormHelperText>{err ?? help}</FormHelperText>
              </FormControl>
            );
          }
          return (
            <TextField
              key={key}
              size="small"
              label={label}
              value={texts[key] ?? fieldText(value(key))}
              error={!!err}
              helperText={err ?? help}
              onChange={(e) => set(key, parseFieldText(e.target.value), e.target.value)}
              slotProps={{ htmlInput: { inputMode: kind === "int" ? "numeric" : "decimal", "data-testid": `setting-${key}` } }}
            />
          );
        })}
      </Box>
      <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
        {t("settings.overridesCount", { n: Object.keys(props.overrides).length })}
      </Typography>
      <Button
        size="small"
        onClick={() => {
          setTexts({});
          setErrors({});
          props.onChange({}, []);
        }}
        data-testid="settings-reset"
      >
        {t("settings.reset")}
      </Button>
    </Box>
  );
}
