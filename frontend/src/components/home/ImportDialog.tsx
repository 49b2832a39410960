import { useState } from "react";
import { errorText } from "../../api/client";
import { api } from "../../api/endpoints";
import type { Workspace } from "../../api/types";
import { Button } from "../ui/Button";
import { Modal } from "../ui/Modal";

export function ImportDialog({ workspaces, onClose, onCreated }: { workspaces: Workspace[]; onClose: () => void; onCreated: (id: number) => void }) {
  const editable = workspaces.filter((ws) => ws.role === "owner" || ws.role === "editor");
  const [format, setFormat] = useState<"json" | "mermaid">("json");
  const [content, setContent] = useState("");
  const [title, setTitle] = useState("");
  const [workspace, setWorkspace] = useState(editable[0]?.id ?? 0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const readFile = async (file: File | undefined) => {
    if (!file) return;
    setContent(await file.text());
    if (file.name.endsWith(".mmd") || file.name.endsWith(".mermaid")) setFormat("mermaid");
    if (!title) setTitle(file.name.replace(/\.[^.]+$/, ""));
  };

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const created = await api.importDiagram({ workspace, format, content, ...(title.trim() ? { title: title.trim() } : {}) });
      onCreated(created.id);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <Modal
      title="Import a diagram"
      onClose={onClose}
      width={620}
      footer={
        <>
          {error ? <span className="form-error" role="alert">{error}</span> : null}
          <Button variant="ghost" onClick={onClose}>Cancel</Button>
          <Button variant="primary" onClick={() => void submit()} disabled={busy || !content.trim() || !workspace}>
            {busy ? "Importing…" : "Import"}
          </Button>
        </>
      }
    >
      <div className="form-row two">
        <label className="field">
          <span>Format</span>
          <select value={format} onChange={(event) => setFormat(event.target.value as "json" | "mermaid")}>
            <option value="json">SOP diagram JSON (sop-diagram/1)</option>
            <option value="mermaid">Mermaid flowchart</option>
          </select>
        </label>
        <label className="field">
          <span>Workspace</span>
          <select value={workspace} onChange={(event) => setWorkspace(Number(event.target.value))}>
            {editable.map((ws) => <option key={ws.id} value={ws.id}>{ws.name}</option>)}
          </select>
        </label>
      </div>
      <label className="field">
        <span>Title (optional)</span>
        <input value={title} onChange={(event) => setTitle(event.target.value)} maxLength={200} />
      </label>
      <label className="field">
        <span>File</span>
        <input type="file" accept=".json,.mmd,.mermaid,.txt" onChange={(event) => void readFile(event.target.files?.[0])} />
      </label>
      <label className="field">
        <span>…or paste the content</span>
        <textarea rows={8} className="mono" value={content} onChange={(event) => setContent(event.target.value)} placeholder={format === "json" ? '{"schema": "sop-diagram/1", …}' : "flowchart LR\n  A[Request] --> B[Validate]"} />
      </label>
    </Modal>
  );
}
