import "@xyflow/react/dist/base.css";
import "./styles/app.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { ErrorBoundary } from "./components/ui/ErrorBoundary";

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ErrorBoundary name="SOP Studio" variant="page">
        <App />
      </ErrorBoundary>
    </StrictMode>,
  );
}
