import Box from "@mui/material/Box";
import LinearProgress from "@mui/material/LinearProgress";
import Typography from "@mui/material/Typography";

/** A wait with a label: indeterminate unless `value` (0-100) is given. */
export function Busy({ label, value }: { label: string; value?: number | null }) {
  return (
    <Box sx={{ my: 1 }} role="status" aria-live="polite">
      <Typography variant="body2" color="text.secondary">
        {label}
      </Typography>
      <LinearProgress aria-label={label} variant={value == null ? "indeterminate" : "determinate"} value={value ?? undefined} />
    </Box>
  );
}
