import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Typography from "@mui/material/Typography";
import { useId, useRef, useState, type DragEvent } from "react";
import { useTranslation } from "react-i18next";
import type { FileRef } from "../../../electron/contract/dto";
import { api, fileToRef } from "../api/client";
import { useAppContext } from "../hooks/useAppContext";
import { Busy } from "./Busy";
import { ErrorAlert } from "./ErrorAlert";

/**
 * Drop files or choose them. In a browser they are uploaded (the page has no paths); in Electron the native
 * dialog (api.pickFiles) gives readable paths.
 */
export function FileDrop(props: { purpose: "model" | "data" | "golden"; accept: string; multiple?: boolean; label: string; onFiles: (refs: FileRef[]) => void; testId: string }) {
  const { t } = useTranslation();
  const { info } = useAppContext();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const take = async (files: File[]) => {
    if (files.length === 0) return;
    setError(null);
    const refs: FileRef[] = [];
    try {
      for (const [i, f] of files.entries()) {
        setBusy(t("files.uploading", { name: f.name, n: i + 1, total: files.length }));
        refs.push(await fileToRef(f));
      }
      props.onFiles(refs);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
      if (input.current) input.current.value = "";
    }
  };

  const pick = async () => {
    if (info?.canPickFiles) {
      setError(null);
      try {
        const refs = await api.pickFiles({ purpose: props.purpose });
        if (refs.length) props.onFiles(refs);
      } catch (e) {
        setError(e);
      }
    } else input.current?.click();
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void take([...e.dataTransfer.files]);
  };

  return (
    <Box>
      <Box
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        data-testid={`${props.testId}-dropzone`}
        sx={{ border: 2, borderStyle: "dashed", borderColor: over ? "primary.main" : "divider", borderRadius: 2, p: 3, textAlign: "center", bgcolor: over ? "action.hover" : undefined }}
      >
        <Typography sx={{ mb: 1 }}>{props.label}</Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          {t("files.accepts", { list: props.accept.split(",").join(" ") })}
        </Typography>
        <Button variant="outlined" onClick={() => void pick()} data-testid={`${props.testId}-button`}>
          {t("files.choose")}
        </Button>
        <label htmlFor={inputId} style={{ position: "absolute", width: 1, height: 1, overflow: "hidden", clip: "rect(0 0 0 0)" }}>
          {props.label}
        </label>
        <input
          id={inputId}
          ref={input}
          type="file"
          hidden
          accept={props.accept}
          multiple={props.multiple}
          data-testid={`${props.testId}-input`}
          onChange={(e) => void take([...(e.target.files ?? [])])}
        />
      </Box>
      {busy && <Busy label={busy} />}
      <ErrorAlert error={error} onClose={() => setError(null)} />
    </Box>
  );
}
