import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Stack from "@mui/material/Stack";
import Typography from "@mui/material/Typography";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import { useAction } from "../hooks/useAction";
import { Busy } from "./Busy";
import { ErrorAlert } from "./ErrorAlert";

/**
 * The evaluation report: the HTML shown in a sandboxed frame (no scripts; `allow-modals` only so that the frame's
 * own print() is allowed), printed from there, or written as a PDF file in the run folder.
 */
export function ReportPanel({ runId }: { runId: string }) {
  const { t } = useTranslation();
  const frame = useRef<HTMLIFrameElement>(null);
  const [html, setHtml] = useState<{ html: string; path: string } | null>(null);
  const [pdfPath, setPdfPath] = useState<string | null>(null);

  const show = useAction(async () => {
    const r = await api.renderReport({ runId, format: "html" });
    setHtml({ html: r.html ?? "", path: r.path });
  });
  const pdf = useAction(async () => {
    setPdfPath(null);
    const r = await api.renderReport({ runId, format: "pdf" });
    setPdfPath(r.path);
  });
  const print = () => {
    const w = frame.current?.contentWindow;
    if (!w) return;
    w.focus();
    w.print();
  };

  return (
    <Stack spacing={2}>
      <Typography variant="h6" component="h3">
        {t("evaluate.report.title")}
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {t("evaluate.report.intro")}
      </Typography>
      <Stack direction="row" spacing={1} sx={{ flexWrap: "wrap", rowGap: 1 }}>
        <Button variant="outlined" onClick={() => void show.run()} disabled={show.busy} data-testid="report-show">
          {html ? t("evaluate.report.refresh") : t("evaluate.report.show")}
        </Button>
        <Button variant="outlined" onClick={print} disabled={!html} data-testid="report-print">
          {t("evaluate.report.print")}
        </Button>
        <Button variant="outlined" onClick={() => void pdf.run()} disabled={pdf.busy} data-testid="report-pdf">
          {t("evaluate.report.pdf")}
        </Button>
      </Stack>
      {(show.busy || pdf.busy) && <Busy label={t("evaluate.report.busy")} />}
      <ErrorAlert error={show.error} onClose={() => show.setError(null)} />
      <ErrorAlert error={pdf.error} onClose={() => pdf.setError(null)} />
      {pdfPath && (
        <Typography data-testid="report-pdf-path" role="status" sx={{ wordBreak: "break-all" }}>
          {t("evaluate.report.pdfSaved", { path: pdfPath })}
        </Typography>
      )}
      {html && (
        <>
          <Typography variant="body2" color="text.secondary" sx={{ wordBreak: "break-all" }}>
            {t("evaluate.report.htmlSaved", { path: html.path })}
          </Typography>
          <Box sx={{ border: 1, borderColor: "divider", borderRadius: 1, overflow: "hidden", bgcolor: "#fff" }}>
            <iframe
              ref={frame}
              title={t("evaluate.report.frameTitle")}
              sandbox="allow-same-origin allow-modals"
              srcDoc={html.html}
              data-testid="report-frame"
              style={{ display: "block", width: "100%", height: 640, border: 0 }}
            />
          </Box>
        </>
      )}
    </Stack>
  );
}
