// Versions: save one with a message, list them, open one read-only, compare, restore.
import { useState } from "react";
import { errorText } from "../../api/client";
import { api } from "../../api/endpoints";
import type { Version } from "../../api/types";
import { useAsync } from "../../hooks/useAsync";
import { dateTime } from "../../lib/format";
import { useEditor } from "../../store/context";
import { Button } from "../ui/Button";
import { EmptyState, ErrorState, Spinner, toast } from "../ui/Feedback";
import { ConfirmDialog } from "../ui/Modal";

export type VersionOverlay =
  | { type: "version"; number: number }
  | { type: "diff"; from: number; to: number | "live" };

interface Props {
  diagramId: number;
  canSave: boolean;
  reloadKey: number;
  onSaved: () => void;
  onOpen: (overlay: VersionOverlay) => void;
}

export function VersionsPanel({ diagramId, canSave, reloadKey, onSaved, onOpen }: Props) {
  const versions = useAsync(() => api.versions(diagramId), [diagramId, reloadKey]);
  const readOnly = useEditor((s) => s.readOnly);
  const [message, setMessage] = useState("");
  const [saving, setSaving] = useState(false);
  const [restoring, setRestoring] = useState<Version | null>(null);
  const [busy, setBusy] = useState(false);
  const list = versions.data?.results ?? [];
  const [from, setFrom] = useState<string>("");
  const [to, setTo] = useState<string>("live");

  const save = async () => {
    setSaving(true);
    try {
      const version = await api.saveVersion(diagramId, message.trim());
      toast(`Saved version ${version.number}`, "success");
      setMessage("");
      onSaved();
      versions.reload();
    } catch (err) {
      toast(errorText(err), "error");
    } finally {
      setSaving(false);
    }
  };

  const restore = async () => {
    if (!restoring) return;
    setBusy(true);
    try {
      await api.restoreVersion(diagramId, restoring.number);
      toast(`Restored version ${restoring.number}`, "success");
      setRestoring(null);
      versions.reload();
    } catch (err) {
      toast(errorText(err), "error");
    } finally {
      setBusy(false);
    }
  };

  const fromValue = from || (list[0] ? String(list[0].number) : "");

  return (
    <div className="versions-panel">
      {canSave ? (
        <form
          className="panel-section"
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <div className="section-title">Save a version</div>
          <label className="field">
            <span>What changed</span>
            <input name="version-message" value={message} maxLength={500} placeholder="e.g. Added rules-engine fallback" onChange={(event) => setMessage(event.target.value)} />
          </label>
          <Button type="submit" variant="primary" size="sm" icon="check" disabled={saving}>
            {saving ? "Saving…" : "Save version"}
          </Button>
        </form>
      ) : null}
      {list.length > 0 ? (
        <div className="panel-section">
          <div className="section-title">Compare</div>
          <div className="compare-row">
            <select aria-label="Compare from" value={fromValue} onChange={(event) => setFrom(event.target.value)}>
              {list.map((version) => (
                <option key={version.number} value={version.number}>
                  v{version.number}
                </option>
              ))}
            </select>
            <span className="muted">→</span>
            <select aria-label="Compare to" value={to} onChange={(event) => setTo(event.target.value)}>
              <option value="live">Now (live)</option>
              {list.map((version) => (
                <option key={version.number} value={version.number}>
                  v{version.number}
                </option>
              ))}
            </select>
            <Button size="sm" icon="diff" onClick={() => onOpen({ type: "diff", from: Number(fromValue), to: to === "live" ? "live" : Number(to) })}>
              Compare
            </Button>
          </div>
        </div>
      ) : null}
      <div className="panel-section grow">
        <div className="section-title">
          History <span className="count">{versions.data?.count ?? ""}</span>
        </div>
        {versions.loading && !versions.data ? (
          <Spinner label="Loading versions" />
        ) : versions.error ? (
          <ErrorState message={versions.error} onRetry={versions.reload} />
        ) : list.length === 0 ? (
          <EmptyState icon="history" title="No versions yet">
            Save a version to keep a named, immutable copy you can compare and restore.
          </EmptyState>
        ) : (
          <ol className="version-list">
            {list.map((version) => (
              <li key={version.number} className="version-item" data-version={version.number}>
                <div className="version-head">
                  <span className="version-number">v{version.number}</span>
                  <span className="version-message">{version.message || <span className="muted">No message</span>}</span>
                </div>
                <div className="version-meta">
                  {version.author ?? "unknown"} · {dateTime(version.created_at)}
                  {version.restored_from ? ` · restored from v${version.restored_from}` : ""}
                </div>
                <div className="version-actions">
                  <Button size="sm" variant="ghost" icon="eye" onClick={() => onOpen({ type: "version", number: version.number })}>
                    Open
                  </Button>
                  <Button size="sm" variant="ghost" icon="diff" onClick={() => onOpen({ type: "diff", from: version.number, to: "live" })}>
                    Compare with now
                  </Button>
                  {!readOnly ? (
                    <Button size="sm" variant="ghost" icon="restore" onClick={() => setRestoring(version)}>
                      Restore
                    </Button>
                  ) : null}
                </div>
              </li>
            ))}
          </ol>
        )}
      </div>
      {restoring ? (
        <ConfirmDialog
          title={`Restore version ${restoring.number}?`}
          message={
            <>
              The live diagram will become exactly as it was in <strong>v{restoring.number}</strong>
              {restoring.message ? <> (“{restoring.message}”)</> : null}. Everyone editing sees the change at once. Save a version first if you want to keep the current state.
            </>
          }
          confirmLabel="Restore"
          busy={busy}
          onConfirm={() => void restore()}
          onCancel={() => setRestoring(null)}
        />
      ) : null}
    </div>
  );
}
