import Alert from "@mui/material/Alert";
import { errorMessage } from "../api/ApiCallError";
import { LONG_TEXT_SX } from "../longText";

/** Shows the api's message (it already says what to do); nothing when there is no error. */
export function ErrorAlert({ error, onClose, testId }: { error: unknown; onClose?: () => void; testId?: string }) {
  if (!error) return null;
  return (
    <Alert severity="error" onClose={onClose} data-testid={testId ?? "error-alert"} sx={{ my: 1, ...LONG_TEXT_SX }}>
      {errorMessage(error)}
    </Alert>
  );
}
