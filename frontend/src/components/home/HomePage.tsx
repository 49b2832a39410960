import { useEffect, useMemo, useState } from "react";
import { errorText } from "../../api/client";
import { api } from "../../api/endpoints";
import type { DiagramSummary, Workspace } from "../../api/types";
import { canEdit } from "../../api/types";
import { useAsync } from "../../hooks/useAsync";
import { MODE_LABEL, STATUS_LABEL, relativeTime } from "../../lib/format";
import { navigate } from "../../lib/router";
import { AppHeader } from "../ui/AppHeader";
import { Button } from "../ui/Button";
import { Badge, EmptyState, ErrorState, Spinner, toast } from "../ui/Feedback";
import { Icon } from "../ui/Icon";
import { ConfirmDialog, Modal } from "../ui/Modal";
import { ImportDialog } from "./ImportDialog";
import { TemplateGallery } from "./TemplateGallery";

const ORDERINGS = [
  { value: "-updated", label: "Last changed" },
  { value: "title", label: "Title A–Z" },
  { value: "-created", label: "Newest first" },
  { value: "created", label: "Oldest first" },
];

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

function DiagramRow({
  diagram,
  editable,
  onRename,
  onDuplicate,
  onDelete,
}: {
  diagram: DiagramSummary;
  editable: boolean;
  onRename: () => void;
  onDuplicate: () => void;
  onDelete: () => void;
}) {
  const status = STATUS_LABEL[diagram.status] ?? { label: diagram.status, tone: "neutral" as const };
  const href = `/diagrams/${diagram.id}`;
  return (
    <li className="diagram-row" data-diagram-id={diagram.id}>
      <a
        className="diagram-link"
        href={href}
        onClick={(event) => {
          if (event.metaKey || event.ctrlKey || event.shiftKey) return;
          event.preventDefault();
          navigate(href);
        }}
      >
        <span className="diagram-thumb" aria-hidden="true">
          <Icon name="layers" size={18} />
        </span>
        <span className="diagram-main">
          <span className="diagram-title">{diagram.title}</span>
          <span className="diagram-sub">
            {diagram.workspace_name} · {MODE_LABEL[diagram.mode] ?? diagram.mode} · {diagram.node_count} steps
            {diagram.latest_version ? ` · v${diagram.latest_version}` : ""}
          </span>
        </span>
      </a>
      <span className="diagram-status">
        <Badge tone={status.tone}>{status.label}</Badge>
      </span>
      <span className="diagram-updated" title={new Date(diagram.updated_at).toLocaleString()}>
        {relativeTime(diagram.updated_at)}
      </span>
      <span className="diagram-actions">
        {editable ? (
          <>
            <button type="button" className="icon-btn" aria-label={`Rename ${diagram.title}`} data-tooltip="Rename" onClick={onRename}>
              <Icon name="edit" />
            </button>
            <button type="button" className="icon-btn" aria-label={`Duplicate ${diagram.title}`} data-tooltip="Duplicate" onClick={onDuplicate}>
              <Icon name="copy" />
            </button>
            <button type="button" className="icon-btn danger" aria-label={`Delete ${diagram.title}`} data-tooltip="Delete" onClick={onDelete}>
              <Icon name="trash" />
            </button>
          </>
        ) : (
          <span className="muted small">Read only</span>
        )}
      </span>
    </li>
  );
}

export function HomePage() {
  const workspaces = useAsync(() => api.workspaces(), []);
  const [workspaceId, setWorkspaceId] = useState<number | null>(null);
  const [search, setSearch] = useState("");
  const [ordering, setOrdering] = useState("-updated");
  const query = useDebounced(search, 250);
  const diagrams = useAsync(
    (signal) => api.diagrams({ workspace: workspaceId ?? undefined, search: query, ordering }, signal),
    [workspaceId, query, ordering],
  );
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [renaming, setRenaming] = useState<DiagramSummary | null>(null);
  const [newTitle, setNewTitle] = useState("");
  const [deleting, setDeleting] = useState<DiagramSummary | null>(null);
  const [busy, setBusy] = useState(false);

  const roles = useMemo(() => new Map((workspaces.data ?? []).map((ws: Workspace) => [ws.id, ws.role])), [workspaces.data]);
  const current = workspaces.data?.find((ws) => ws.id === workspaceId) ?? null;
  const canCreate = (workspaces.data ?? []).some((ws) => canEdit(ws.role));

  useEffect(() => {
    document.title = "Diagrams · SOP Studio";
  }, []);

  const duplicate = async (diagram: DiagramSummary) => {
    try {
      const copy = await api.duplicateDiagram(diagram.id);
      toast(`Duplicated as “${copy.title}”`, "success");
      diagrams.reload();
    } catch (err) {
      toast(errorText(err), "error");
    }
  };

  const rename = async () => {
    if (!renaming || !newTitle.trim()) return;
    setBusy(true);
    try {
      await api.renameDiagram(renaming.id, newTitle.trim());
      setRenaming(null);
      diagrams.reload();
    } catch (err) {
      toast(errorText(err), "error");
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!deleting) return;
    setBusy(true);
    try {
      await api.deleteDiagram(deleting.id);
      toast(`Deleted “${deleting.title}”`, "success");
      setDeleting(null);
      diagrams.reload();
    } catch (err) {
      toast(errorText(err), "error");
    } finally {
      setBusy(false);
    }
  };

  const list = diagrams.data?.results ?? [];

  return (
    <div className="home">
      <AppHeader />
      <div className="home-body">
        <nav className="home-sidebar" aria-label="Workspaces">
          <div className="sidebar-title">Workspaces</div>
          {workspaces.loading ? (
            <div className="sidebar-pad">
              <Spinner size={14} />
            </div>
          ) : workspaces.error ? (
            <p className="sidebar-pad form-error">{workspaces.error}</p>
          ) : (
            <ul className="workspace-list">
              <li>
                <button type="button" className={`workspace-item${workspaceId === null ? " is-active" : ""}`} onClick={() => setWorkspaceId(null)}>
                  <Icon name="layers" size={15} />
                  <span>All diagrams</span>
                </button>
              </li>
              {(workspaces.data ?? []).map((ws) => (
                <li key={ws.id}>
                  <button type="button" className={`workspace-item${workspaceId === ws.id ? " is-active" : ""}`} onClick={() => setWorkspaceId(ws.id)}>
                    <Icon name="users" size={15} />
                    <span className="workspace-name">{ws.name}</span>
                    <span className="workspace-role">{ws.role}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </nav>
        <main className="home-main">
          <div className="home-head">
            <div>
              <h1>{current ? current.name : "All diagrams"}</h1>
              <p className="muted">Standard operating procedures for AI inference, drawn and reviewed together.</p>
            </div>
            <div className="home-head-actions">
              <Button icon="upload" onClick={() => setImporting(true)} disabled={!canCreate}>
                Import
              </Button>
              <Button variant="primary" icon="plus" onClick={() => setCreating(true)} disabled={!canCreate}>
                New diagram
              </Button>
            </div>
          </div>
          <div className="home-filters">
            <label className="search-box">
              <Icon name="search" size={15} />
              <input type="search" placeholder="Search diagrams" aria-label="Search diagrams" value={search} onChange={(event) => setSearch(event.target.value)} />
            </label>
            <label className="sort-box">
              <span>Sort by</span>
              <select aria-label="Sort by" value={ordering} onChange={(event) => setOrdering(event.target.value)}>
                {ORDERINGS.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            </label>
            {diagrams.data ? <span className="muted small">{diagrams.data.count} diagrams</span> : null}
          </div>
          {diagrams.error ? (
            <ErrorState message={diagrams.error} onRetry={diagrams.reload} />
          ) : diagrams.loading && !diagrams.data ? (
            <ul className="diagram-list is-loading" aria-busy="true">
              {Array.from({ length: 5 }, (_, index) => (
                <li key={index} className="diagram-row skeleton">
                  <span className="skeleton-block" />
                </li>
              ))}
            </ul>
          ) : list.length === 0 ? (
            query ? (
              <EmptyState icon="search" title="No diagrams match">
                Nothing is called “{query}”. Try another word.
              </EmptyState>
            ) : (
              <EmptyState
                icon="layers"
                title="No diagrams yet"
                action={
                  canCreate ? (
                    <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
                      Start from a template
                    </Button>
                  ) : undefined
                }
              >
                Start from the blank seven-stage SOP or one of four real-world templates.
              </EmptyState>
            )
          ) : (
            <>
              <div className="diagram-list-head" aria-hidden="true">
                <span>Title</span>
                <span>Status</span>
                <span>Last changed</span>
                <span />
              </div>
              <ul className={`diagram-list${diagrams.loading ? " is-refreshing" : ""}`}>
                {list.map((diagram) => (
                  <DiagramRow
                    key={diagram.id}
                    diagram={diagram}
                    editable={canEdit(roles.get(diagram.workspace))}
                    onRename={() => {
                      setRenaming(diagram);
                      setNewTitle(diagram.title);
                    }}
                    onDuplicate={() => void duplicate(diagram)}
                    onDelete={() => setDeleting(diagram)}
                  />
                ))}
              </ul>
            </>
          )}
        </main>
      </div>
      {creating && workspaces.data ? (
        <TemplateGallery
          workspaces={workspaces.data}
          defaultWorkspace={workspaceId}
          onClose={() => setCreating(false)}
          onCreated={(id) => navigate(`/diagrams/${id}`)}
        />
      ) : null}
      {importing && workspaces.data ? (
        <ImportDialog workspaces={workspaces.data} onClose={() => setImporting(false)} onCreated={(id) => navigate(`/diagrams/${id}`)} />
      ) : null}
      {renaming ? (
        <Modal
          title="Rename diagram"
          onClose={() => setRenaming(null)}
          width={420}
          footer={
            <>
              <Button variant="ghost" onClick={() => setRenaming(null)}>
                Cancel
              </Button>
              <Button variant="primary" onClick={() => void rename()} disabled={busy || !newTitle.trim()}>
                Rename
              </Button>
            </>
          }
        >
          <label className="field">
            <span>Title</span>
            <input
              value={newTitle}
              maxLength={200}
              onChange={(event) => setNewTitle(event.target.value)}
              onKeyDown={(event) => event.key === "Enter" && void rename()}
            />
          </label>
        </Modal>
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title="Delete diagram?"
          message={
            <>
              <strong>{deleting.title}</strong> and all its versions will be deleted for everyone in {deleting.workspace_name}. This cannot be undone.
            </>
          }
          confirmLabel="Delete"
          danger
          busy={busy}
          onConfirm={() => void remove()}
          onCancel={() => setDeleting(null)}
        />
      ) : null}
    </div>
  );
}
