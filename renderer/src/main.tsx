import { createRoot } from "react-dom/client";
import "./i18n";
import { App } from "./App";

const root = document.getElementById("root");
if (root) createRoot(root).render(<App />);
