import Alert from "@mui/material/Alert";
import Paper from "@mui/material/Paper";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import { useTranslation } from "react-i18next";
import type { ModelInfo } from "../../../electron/contract/dto";
import { formatBytes, formatCount } from "../format";
import { useLocalized } from "../hooks/useLocalized";

export function ModelCard({ model, testId }: { model: ModelInfo; testId?: string }) {
  const { t } = useTranslation();
  const { lang } = useLocalized();
  const rows: [string, string][] = [
    [t("model.architecture"), model.architecture],
    [t("model.size"), formatBytes(model.fileBytes, lang)],
    [t("model.parameters"), formatCount(model.parameters, lang)],
    [t("model.quantization"), model.quantization],
    [t("model.context"), model.contextLength ? String(model.contextLength) : "—"],
    [t("model.path"), model.path],
  ];
  return (
    <Paper variant="outlined" sx={{ p: 2 }} data-testid={testId ?? "model-card"}>
      <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
        {model.name}
      </Typography>
      <Table size="small" aria-label={model.name}>
        <TableBody>
          {rows.map(([k, v]) => (
            <TableRow key={k}>
              <TableCell component="th" scope="row" sx={{ width: 180 }}>
                {k}
              </TableCell>
              <TableCell sx={{ wordBreak: "break-all" }}>{v}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {model.trainable ? (
        <Alert severity="success" sx={{ mt: 1 }} data-testid="model-trainable">
          {t("model.trainable")}
        </Alert>
      ) : (
        <Alert severity="warning" sx={{ mt: 1 }} data-testid="model-not-trainable">
          {t("model.notTrainable")}
          {model.notTrainableReason ? `: ${model.notTrainableReason}` : ""}
        </Alert>
      )}
    </Paper>
  );
}
