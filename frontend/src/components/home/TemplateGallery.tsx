import { useState } from "react";
import { errorText } from "../../api/client";
import { api } from "../../api/endpoints";
import type { TemplateSummary, Workspace } from "../../api/types";
import { useAsync } from "../../hooks/useAsync";
import { MODE_LABEL } from "../../lib/format";
import { STAGES } from "../../lib/theme";
import { Button } from "../ui/Button";
import { ErrorState, Spinner } from "../ui/Feedback";
import { Icon } from "../ui/Icon";
import { Modal } from "../ui/Modal";

interface Props {
  workspaces: Workspace[];
  defaultWorkspace: number | null;
  onClose: () => void;
  onCreated: (id: number) => void;
}

function TemplatePreview({ template }: { template: TemplateSummary }) {
  // A small picture of the seven lanes; the number of boxes hints at the template's size.
  const perLane = Math.max(1, Math.round(template.node_count / STAGES.length));
  return (
    <svg className="template-preview" viewBox="0 0 140 64" aria-hidden="true">
      {STAGES.map((stage, index) => (
        <g key={stage.id}>
          <rect x={index * 20} y={0} width={20} height={64} fill={index % 2 ? "#f8fafc" : "#f1f5f9"} />
          <rect x={index * 20} y={0} width={20} height={5} fill={stage.color} />
          {Array.from({ length: Math.min(3, perLane) }, (_, row) => (
            <rect key={row} x={index * 20 + 4} y={12 + row * 16} width={12} height={9} rx={2} fill="#fff" stroke={stage.color} strokeWidth={1} />
          ))}
        </g>
      ))}
    </svg>
  );
}

export function TemplateGallery({ workspaces, defaultWorkspace, onClose, onCreated }: Props) {
  const templates = useAsync(() => api.templates(), []);
  const editable = workspaces.filter((ws) => ws.role === "owner" || ws.role === "editor");
  const [choice, setChoice] = useState("blank");
  const [title, setTitle] = useState("");
  const [workspace, setWorkspace] = useState<number | null>(
    editable.find((ws) => ws.id === defaultWorkspace)?.id ?? editable[0]?.id ?? null,
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const create = async () => {
    if (!workspace) return;
    setBusy(true);
    setError(null);
    try {
      const diagram = await api.createDiagram({ workspace, template: choice === "blank" ? "blank" : choice, title: title.trim() });
      onCreated(diagram.id);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <Modal
      title="New diagram"
      onClose={onClose}
      width={760}
      footer={
        <>
          {error ? <span className="form-error" role="alert">{error}</span> : null}
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" onClick={() => void create()} disabled={busy || !workspace}>
            {busy ? "Creating…" : "Create diagram"}
          </Button>
        </>
      }
    >
      {templates.loading ? (
        <div className="center-pad">
          <Spinner label="Loading templates" />
        </div>
      ) : templates.error ? (
        <ErrorState message={templates.error} onRetry={templates.reload} />
      ) : (
        <div className="template-grid" role="radiogroup" aria-label="Templates">
          {(templates.data ?? []).map((template) => (
            <button
              type="button"
              key={template.id}
              role="radio"
              aria-checked={choice === template.id}
              className={`template-card${choice === template.id ? " is-chosen" : ""}`}
              onClick={() => setChoice(template.id)}
              onDoubleClick={() => {
                setChoice(template.id);
                void create();
              }}
              data-template={template.id}
            >
              <TemplatePreview template={template} />
              <span className="template-name">{template.name}</span>
              <span className="template-summary">{template.summary}</span>
              <span className="template-meta">
                {template.industry ? <span>{template.industry}</span> : null}
                <span>{MODE_LABEL[template.mode] ?? template.mode}</span>
                <span>{template.node_count} steps</span>
              </span>
              {choice === template.id ? (
                <span className="template-check">
                  <Icon name="check" size={14} strokeWidth={3} />
                </span>
              ) : null}
            </button>
          ))}
        </div>
      )}
      <div className="form-row two">
        <label className="field">
          <span>Title</span>
          <input value={title} onChange={(event) => setTitle(event.target.value)} placeholder="Defaults to the template's name" maxLength={200} />
        </label>
        <label className="field">
          <span>Workspace</span>
          <select value={workspace ?? ""} onChange={(event) => setWorkspace(Number(event.target.value))}>
            {editable.map((ws) => (
              <option key={ws.id} value={ws.id}>
                {ws.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {editable.length === 0 ? <p className="form-error">You can edit in no workspace, so you cannot create diagrams.</p> : null}
    </Modal>
  );
}
