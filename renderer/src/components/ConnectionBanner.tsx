import Alert from "@mui/material/Alert";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { onConnection } from "../api/client";

/** A banner while the web bridge's socket is down (it reconnects by itself). */
export function ConnectionBanner() {
  const { t } = useTranslation();
  const [connected, setConnected] = useState(true);
  const [seen, setSeen] = useState(false);
  useEffect(
    () =>
      onConnection((c) => {
        setConnected(c);
        if (c) setSeen(true);
      }),
    [],
  );
  if (connected) return null;
  return (
    <Alert severity="warning" data-testid="connection-banner" sx={{ borderRadius: 0 }}>
      {seen ? t("connection.lost") : t("connection.connecting")}
    </Alert>
  );
}
