import Button from "@mui/material/Button";
import Dialog from "@mui/material/Dialog";
import DialogActions from "@mui/material/DialogActions";
import DialogContent from "@mui/material/DialogContent";
import DialogContentText from "@mui/material/DialogContentText";
import DialogTitle from "@mui/material/DialogTitle";
import { useTranslation } from "react-i18next";

export function ConfirmDialog(props: { open: boolean; title: string; text: string; confirmLabel: string; onConfirm: () => void; onClose: () => void; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Dialog open={props.open} onClose={props.onClose} aria-labelledby="confirm-title" data-testid={props.testId ?? "confirm-dialog"}>
      <DialogTitle id="confirm-title">{props.title}</DialogTitle>
      <DialogContent>
        <DialogContentText>{props.text}</DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose} data-testid="confirm-cancel">
          {t("common.cancel")}
        </Button>
        <Button color="error" variant="contained" onClick={props.onConfirm} data-testid="confirm-ok">
          {props.confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
