import Chip from "@mui/material/Chip";
import Stack from "@mui/material/Stack";
import Typography from "@mui/material/Typography";
import { useTranslation } from "react-i18next";
import type { DraftProvenance } from "../../../electron/contract/dto";

/** Marks an example a model drafted from a document (and a person accepted): the model, the file and page, "edited". */
export function DraftedMarker({ provenance }: { provenance: DraftProvenance }) {
  const { t } = useTranslation();
  const s = provenance.source;
  const where = s.page != null ? t("drafting.atPage", { file: s.file, page: s.page }) : s.file;
  return (
    <Stack spacing={0.25} sx={{ mt: 0.5, alignItems: "flex-start" }} data-testid="drafted-marker">
      <Chip size="small" variant="outlined" color="info" label={provenance.review === "edited" ? t("drafting.marker.edited") : t("drafting.marker.accepted")} />
      <Typography variant="caption" color="text.secondary" sx={{ overflowWrap: "anywhere" }}>
        {t("drafting.marker.from", { where, model: provenance.model.name })}
      </Typography>
    </Stack>
  );
}
