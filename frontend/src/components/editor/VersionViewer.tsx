// A read-only canvas for one saved version, or for the visual diff between two documents
// (added, removed, changed and moved elements coloured) with the text summary beside it.
import { ReactFlowProvider } from "@xyflow/react";
import { useEffect, useMemo, useState } from "react";
import * as Y from "yjs";
import { errorText } from "../../api/client";
import { api } from "../../api/endpoints";
import { DIFF_COLOURS, countsLine, diffDisplay, type DiffChange, type DiffResult } from "../../lib/diff";
import { toFlowEdge, toFlowNode } from "../../lib/flow";
import { docMakeEqual, normaliseContent, type DiagramContent } from "../../lib/ydoc";
import { createEditorStore, sizesOf, type EditorStoreHandle } from "../../store/editorStore";
import { EditorContext } from "../../store/context";
import { DiagramCanvas } from "../canvas/DiagramCanvas";
import { Button } from "../ui/Button";
import { ErrorState, Spinner } from "../ui/Feedback";
import { Icon } from "../ui/Icon";
import type { VersionOverlay } from "./VersionsPanel";

interface Loaded {
  handle: EditorStoreHandle;
  diff: DiffResult | null;
}

function buildStore(content: DiagramContent, diff: { older: DiagramContent; changes: DiffChange[] } | null): EditorStoreHandle {
  const doc = new Y.Doc();
  if (!diff) {
    docMakeEqual(doc, content, null);
    const handle = createEditorStore(doc, { readOnly: true });
    handle.store.setState({ synced: true });
    return handle;
  }
  const display = diffDisplay(diff.older, content, diff.changes);
  const handle = createEditorStore(doc, { readOnly: true });
  const nodes = display.nodes.map((item) => toFlowNode(item.record, undefined, item.status));
  handle.store.setState({
    nodes,
    sizes: sizesOf(nodes),
    edges: display.edges.map((item) => toFlowEdge(item.record, undefined, item.status)),
    synced: true,
  });
  return handle;
}

export function VersionViewer({ diagramId, overlay, liveContent, onClose }: { diagramId: number; overlay: VersionOverlay; liveContent: () => DiagramContent; onClose: () => void }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [focus, setFocus] = useState<string | null>(null);
  const key = JSON.stringify(overlay);

  useEffect(() => {
    let cancelled = false;
    setLoaded(null);
    setError(null);
    (async () => {
      if (overlay.type === "version") {
        const version = await api.version(diagramId, overlay.number);
        return { handle: buildStore(normaliseContent(version.content), null), diff: null };
      }
      const [older, newer, diff] = await Promise.all([
        api.version(diagramId, overlay.from).then((v) => normaliseContent(v.content)),
        overlay.to === "live" ? Promise.resolve(liveContent()) : api.version(diagramId, overlay.to).then((v) => normaliseContent(v.content)),
        api.diff(diagramId, overlay.from, overlay.to),
      ]);
      return { handle: buildStore(newer, { older, changes: diff.changes }), diff };
    })()
      .then((value) => !cancelled && setLoaded(value))
      .catch((err: unknown) => !cancelled && setError(errorText(err)));
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [diagramId, key]);

  useEffect(() => () => loaded?.handle.destroy(), [loaded]);

  useEffect(() => {
    if (!loaded || !focus) return;
    const exists = loaded.handle.store.getState().nodes.some((n) => n.id === focus) || loaded.handle.store.getState().edges.some((e) => e.id === focus);
    if (exists) loaded.handle.store.getState().selectOnly(loaded.handle.store.getState().nodes.some((n) => n.id === focus) ? [focus] : [], loaded.handle.store.getState().edges.some((e) => e.id === focus) ? [focus] : []);
  }, [focus, loaded]);

  const title =
    overlay.type === "version"
      ? `Version ${overlay.number}`
      : `Changes from v${overlay.from} to ${overlay.to === "live" ? "now" : `v${overlay.to}`}`;

  const grouped = useMemo(() => {
    const changes = loaded?.diff?.changes ?? [];
    return (["added", "removed", "changed", "moved"] as const).map((kind) => ({ kind, items: changes.filter((c) => c.change === kind) }));
  }, [loaded]);

  return (
    <div className="version-viewer" role="region" aria-label={title}>
      <div className="viewer-banner">
        <Icon name={overlay.type === "diff" ? "diff" : "eye"} size={16} />
        <strong>{title}</strong>
        <span className="badge badge-neutral">Read only</span>
        {loaded?.diff ? <span className="muted">{countsLine(loaded.diff.counts)}</span> : null}
        <span className="spacer" />
        {overlay.type === "diff" ? (
          <span className="diff-legend">
            {(["added", "removed", "changed", "moved"] as const).map((kind) => (
              <span key={kind} className="legend-chip">
                <span className="legend-swatch" style={{ background: DIFF_COLOURS[kind].stroke }} />
                {DIFF_COLOURS[kind].label}
              </span>
            ))}
          </span>
        ) : null}
        <Button size="sm" icon="close" onClick={onClose}>
          Back to editing
        </Button>
      </div>
      <div className="viewer-body">
        {error ? (
          <ErrorState message={error} />
        ) : !loaded ? (
          <div className="center-fill">
            <Spinner label="Loading" />
          </div>
        ) : (
          <>
            <EditorContext.Provider value={loaded.handle}>
              <ReactFlowProvider>
                <DiagramCanvas ready />
              </ReactFlowProvider>
            </EditorContext.Provider>
            {loaded.diff ? (
              <aside className="diff-summary" aria-label="Summary of changes">
                <div className="section-title">Summary</div>
                {loaded.diff.changes.length === 0 ? <p className="muted">The two documents are the same.</p> : null}
                {grouped.map(({ kind, items }) =>
                  items.length ? (
                    <section key={kind} className="diff-group">
                      <h4 style={{ color: DIFF_COLOURS[kind].stroke }}>
                        {DIFF_COLOURS[kind].label} <span className="count">{items.length}</span>
                      </h4>
                      <ul>
                        {items.map((change) => (
                          <li key={`${change.element}-${change.id}-${change.change}`} className={`diff-item diff-item-${kind}`} data-change={kind} data-element-id={change.id}>
                            <button type="button" onClick={() => setFocus(change.id)}>
                              <span className="diff-dot" style={{ background: DIFF_COLOURS[kind].stroke }} />
                              {change.summary}
                            </button>
                          </li>
                        ))}
                      </ul>
                    </section>
                  ) : null,
                )}
                {loaded.diff.changes.some((c) => c.element === "meta") ? <p className="muted small">Document facts changed too (see the summary above).</p> : null}
              </aside>
            ) : null}
          </>
        )}
      </div>
    </div>
  );
}
