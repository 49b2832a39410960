// The editor screen: header, palette, canvas on the live document, and the side panels.
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import * as Y from "yjs";
import { api } from "../../api/endpoints";
import { canEdit, type DiagramSummary } from "../../api/types";
import { useAsync } from "../../hooks/useAsync";
import { useFitLanes } from "../../hooks/useFitLanes";
import { useMe } from "../../hooks/useMe";
import { useShortcuts } from "../../hooks/useShortcuts";
import { CLIPBOARD_MIME, parseFragment, type Fragment } from "../../lib/clipboard";
import { STATUS_LABEL } from "../../lib/format";
import { tidyLayout } from "../../lib/layout";
import { navigate } from "../../lib/router";
import { IS_MAC, shortcutLabel } from "../../lib/shortcuts";
import { LAYOUT, LIMITS } from "../../lib/theme";
import { colourFor } from "../../lib/presence";
import { docToContent } from "../../lib/ydoc";
import { EditorContext, useEditor, useEditorHandle } from "../../store/context";
import { createEditorStore, type EditorStoreHandle, type SidePanel } from "../../store/editorStore";
import { connectDiagram, type SyncHandle } from "../../store/sync";
import { ContextMenu, type MenuItem, type MenuTarget } from "../canvas/ContextMenu";
import { DiagramCanvas } from "../canvas/DiagramCanvas";
import { Brand, UserMenu } from "../ui/AppHeader";
import { Button, IconButton } from "../ui/Button";
import { ErrorBoundary } from "../ui/ErrorBoundary";
import { Badge, ErrorState, Spinner, toast } from "../ui/Feedback";
import { Icon } from "../ui/Icon";
import { CanvasControls } from "./CanvasControls";
import { DocumentSettings } from "./DocumentSettings";
import { ExportDialog } from "./ExportDialog";
import { Inspector } from "./Inspector";
import { Palette } from "./Palette";
import { ConnectionBadge, PresenceList } from "./Presence";
import { ChecksPanel } from "./ChecksPanel";
import { AssistantPanel, CommentsPanel } from "./ReservedPanels";
import { ShortcutsOverlay } from "./ShortcutsOverlay";
import { VersionViewer } from "./VersionViewer";
import { VersionsPanel, type VersionOverlay } from "./VersionsPanel";

const TABS: Array<{ id: SidePanel; label: string; icon: string }> = [
  { id: "inspector", label: "Inspector", icon: "sliders" },
  { id: "document", label: "Document", icon: "settings" },
  { id: "versions", label: "Versions", icon: "history" },
  { id: "findings", label: "Checks", icon: "checkCircle" },
  { id: "comments", label: "Comments", icon: "comment" },
  { id: "assistant", label: "AI", icon: "sparkle" },
];
const PANEL_NAMES = Object.fromEntries(TABS.map((tab) => [tab.id, tab.label])) as Record<SidePanel, string>;

function TitleField() {
  const title = useEditor((s) => s.meta.title);
  const readOnly = useEditor((s) => s.readOnly);
  const patchMeta = useEditor((s) => s.patchMeta);
  useEffect(() => {
    document.title = `${title || "Untitled SOP"} · SOP Studio`;
  }, [title]);
  return (
    <input
      className="title-input"
      aria-label="Diagram title"
      value={title}
      readOnly={readOnly}
      maxLength={LIMITS.titleMax}
      onChange={(event) => patchMeta({ title: event.target.value })}
      onKeyDown={(event) => event.key === "Enter" && (event.target as HTMLInputElement).blur()}
      size={Math.max(12, Math.min(48, title.length + 2))}
    />
  );
}

function UndoRedo() {
  const canUndo = useEditor((s) => s.canUndo);
  const canRedo = useEditor((s) => s.canRedo);
  const undo = useEditor((s) => s.undo);
  const redo = useEditor((s) => s.redo);
  return (
    <div className="toolbar-group">
      <IconButton icon="undo" label="Undo" shortcut={shortcutLabel("undo", IS_MAC)} onClick={undo} disabled={!canUndo} />
      <IconButton icon="redo" label="Redo" shortcut={shortcutLabel("redo", IS_MAC)} onClick={redo} disabled={!canRedo} />
    </div>
  );
}

function SidePanelTabs({ panel, onChange }: { panel: SidePanel; onChange: (panel: SidePanel) => void }) {
  return (
    <div className="side-tabs" role="tablist" aria-label="Panels">
      {TABS.map((tab) => (
        <button
          key={tab.id}
          type="button"
          role="tab"
          aria-selected={panel === tab.id}
          className={`side-tab${panel === tab.id ? " is-active" : ""}`}
          onClick={() => onChange(tab.id)}
          data-tab={tab.id}
        >
          <Icon name={tab.icon} size={15} />
          <span>{tab.label}</span>
        </button>
      ))}
    </div>
  );
}

interface WorkspaceProps {
  diagram: DiagramSummary;
  sync: SyncHandle | null;
  me: { name: string; color: string };
}

function EditorWorkspace({ diagram, sync, me }: WorkspaceProps) {
  const handle = useEditorHandle();
  const flow = useReactFlow();
  const fitLanes = useFitLanes();
  const readOnly = useEditor((s) => s.readOnly);
  const synced = useEditor((s) => s.synced);
  const connection = useEditor((s) => s.connection);
  const panel = useEditor((s) => s.panel);
  const helpOpen = useEditor((s) => s.helpOpen);
  const set = useEditor((s) => s.set);
  const [overlay, setOverlay] = useState<VersionOverlay | null>(null);
  const [exporting, setExporting] = useState(false);
  const [tidying, setTidying] = useState(false);
  const [versionsKey, setVersionsKey] = useState(0);
  const [latestVersion, setLatestVersion] = useState(diagram.latest_version);
  const clipboard = useRef<Fragment | null>(null);
  const pasteCount = useRef(0);

  // Tell others what this tab selects.
  useEffect(() => {
    if (!sync) return;
    return handle.store.subscribe((state, previous) => {
      if (state.selection.nodes !== previous.selection.nodes) sync.setSelection(state.selection.nodes);
    });
  }, [handle, sync]);

  const tidy = useCallback(async () => {
    if (readOnly) return;
    setTidying(true);
    try {
      const { nodes, edges } = handle.records();
      const placements = await tidyLayout(nodes, edges);
      handle.store.getState().applyPlacements(placements);
      requestAnimationFrame(() => fitLanes(250));
    } catch (error) {
      toast(`Tidy up failed: ${(error as Error).message}`, "error");
    } finally {
      setTidying(false);
    }
  }, [fitLanes, handle, readOnly]);

  const copy = useCallback(() => {
    const fragment = handle.store.getState().copySelection();
    if (!fragment) return false;
    clipboard.current = fragment;
    pasteCount.current = 0;
    void navigator.clipboard?.writeText(JSON.stringify(fragment)).catch(() => undefined);
    return true;
  }, [handle]);

  const paste = useCallback(async () => {
    let fragment = clipboard.current;
    if (!fragment) {
      const text = await navigator.clipboard?.readText().catch(() => "");
      fragment = text ? parseFragment(text) : null;
    }
    if (!fragment) return;
    pasteCount.current += 1;
    const offset = LAYOUT.gridSize * 3 * pasteCount.current;
    handle.store.getState().paste(fragment, { x: offset, y: offset });
  }, [handle]);

  const openSaveVersion = useCallback(() => {
    set({ panel: "versions" });
    setTimeout(() => document.querySelector<HTMLInputElement>("input[name=version-message]")?.focus(), 50);
  }, [set]);

  const state = () => handle.store.getState();
  const grid = LAYOUT.gridSize;
  const [menu, setMenu] = useState<MenuTarget | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  const openEdge = useCallback(
    (edgeId: string) => {
      handle.store.getState().selectOnly([], [edgeId]);
      set({ panel: "inspector" });
      setTimeout(() => document.querySelector<HTMLInputElement>("input[name=edge-label]")?.focus(), 30);
    },
    [handle, set],
  );
  const actions = {
      undo: () => state().undo(),
      redo: () => state().redo(),
      copy: () => void copy(),
      cut: () => {
        if (copy()) state().deleteSelection();
      },
      paste: () => void paste(),
      duplicate: () => {
        const fragment = state().copySelection();
        if (fragment) state().paste(fragment, { x: grid * 3, y: grid * 3 });
      },
      delete: () => state().deleteSelection(),
      selectAll: () => state().selectAll(),
      clearSelection: () => {
        if (overlay) setOverlay(null);
        else state().selectOnly([]);
      },
      editLabel: () => {
        const id = state().selection.nodes[0];
        if (id) set({ editingLabelId: id });
      },
      zoomFit: () => fitLanes(200),
      zoomIn: () => void flow.zoomIn({ duration: 150 }),
      zoomOut: () => void flow.zoomOut({ duration: 150 }),
      tidy: () => void tidy(),
      toggleSnap: () => set({ snapToGrid: !state().snapToGrid }),
      toggleMinimap: () => set({ showMinimap: !state().showMinimap }),
      saveVersion: () => !readOnly && openSaveVersion(),
      help: () => set({ helpOpen: true }),
      moveUp: () => state().moveSelectionBy(0, -grid),
      moveDown: () => state().moveSelectionBy(0, grid),
      moveLeft: () => state().moveSelectionBy(-grid, 0),
      moveRight: () => state().moveSelectionBy(grid, 0),
      nudgeUp: () => state().moveSelectionBy(0, -grid * 5),
      nudgeDown: () => state().moveSelectionBy(0, grid * 5),
      nudgeLeft: () => state().moveSelectionBy(-grid * 5, 0),
      nudgeRight: () => state().moveSelectionBy(grid * 5, 0),
      focusUp: () => reveal(state().focusStep("up")),
      focusDown: () => reveal(state().focusStep("down")),
      focusLeft: () => reveal(state().focusStep("left")),
      focusRight: () => reveal(state().focusStep("right")),
      // With nothing selected, Tab leaves the canvas like anywhere else on the page.
      focusNext: () => (state().selection.nodes.length ? reveal(state().focusStep("next")) : false),
      focusPrevious: () => (state().selection.nodes.length ? reveal(state().focusStep("previous")) : false),
  };
  useShortcuts(actions, { readOnly, enabled: overlay === null && menu === null });

  const menuItems = (target: MenuTarget): MenuItem[] => {
    if (target.type === "node") {
      const editItems: MenuItem[] = [
        { label: "Rename", action: "editLabel", run: () => actions.editLabel() },
        { label: "Duplicate", action: "duplicate", run: () => actions.duplicate() },
        { label: "Cut", action: "cut", run: () => actions.cut() },
      ];
      return [
        ...(readOnly ? [] : editItems),
        { label: "Copy", action: "copy", run: () => actions.copy() },
        { label: "Show details", run: () => set({ panel: "inspector" }) },
        ...(readOnly ? [] : [{ label: "Delete", action: "delete" as const, danger: true, run: () => actions.delete() }]),
      ];
    }
    if (target.type === "edge") {
      return [
        { label: readOnly ? "Show details" : "Edit label", run: () => openEdge(target.id) },
        ...(readOnly ? [] : [{ label: "Delete edge", action: "delete" as const, danger: true, run: () => actions.delete() }]),
      ];
    }
    const point = flow.screenToFlowPosition({ x: target.x, y: target.y });
    return [
      ...(readOnly
        ? []
        : [
            { label: "Add a process step here", run: () => void state().addNode("process", { x: point.x, y: point.y + 36 }) },
            { label: "Paste", action: "paste" as const, disabled: clipboard.current === null, run: () => actions.paste() },
          ]),
      { label: "Select all", action: "selectAll", run: () => actions.selectAll() },
      { label: "Zoom to fit", action: "zoomFit", run: () => actions.zoomFit() },
      ...(readOnly ? [] : [{ label: "Tidy up", action: "tidy" as const, run: () => actions.tidy() }]),
    ];
  };

  function reveal(id: string | null) {
    if (!id) return;
    const node = state().nodes.find((n) => n.id === id);
    if (!node) return;
    const { x, y, zoom } = flow.getViewport();
    const pane = document.querySelector(".canvas-wrap")?.getBoundingClientRect();
    if (!pane) return;
    const left = node.position.x * zoom + x;
    const top = node.position.y * zoom + y;
    const right = left + node.data.record.w * zoom;
    const bottom = top + node.data.record.h * zoom;
    if (left < 0 || top < 0 || right > pane.width || bottom > pane.height) {
      void flow.setCenter(node.position.x + node.data.record.w / 2, node.position.y + node.data.record.h / 2, { zoom, duration: 200 });
    }
  }

  const status = STATUS_LABEL[diagram.status] ?? { label: diagram.status, tone: "neutral" as const };
  const setCursor = useMemo(() => (sync ? sync.setCursor : undefined), [sync]);

  return (
    <div className={`editor${readOnly ? " is-readonly" : ""}`}>
      <header className="editor-header">
        <div className="editor-header-left">
          <Brand />
          <button type="button" className="icon-btn" aria-label="All diagrams" data-tooltip="All diagrams" onClick={() => navigate("/")}>
            <Icon name="chevronLeft" />
          </button>
          <div className="title-block">
            <TitleField />
            <span className="title-sub">
              {diagram.workspace_name}
              <Badge tone={status.tone}>{status.label}</Badge>
              {readOnly ? (
                <Badge tone="violet">
                  <Icon name="lock" size={11} /> Read only
                </Badge>
              ) : null}
            </span>
          </div>
          {!readOnly ? <UndoRedo /> : null}
        </div>
        <div className="editor-header-right">
          <ErrorBoundary name="Connection status" variant="inline">
            <ConnectionBadge />
          </ErrorBoundary>
          <ErrorBoundary name="People here" variant="inline">
            <PresenceList me={me} />
          </ErrorBoundary>
          <span className="toolbar-divider" />
          <IconButton icon="help" label="Keyboard shortcuts" shortcut="?" onClick={() => set({ helpOpen: true })} />
          <Button icon="sparkle" onClick={() => set({ panel: "assistant" })} className="btn-ai">
            Generate
          </Button>
          <Button icon="download" onClick={() => setExporting(true)}>
            Export
          </Button>
          {!readOnly ? (
            <Button variant="primary" icon="history" onClick={openSaveVersion}>
              Save version
            </Button>
          ) : null}
          <UserMenu compact />
        </div>
      </header>
      <div className="editor-body">
        {overlay ? (
          <ErrorBoundary name="Version viewer" onDismiss={() => setOverlay(null)}>
            <VersionViewer diagramId={diagram.id} overlay={overlay} liveContent={() => docToContent(handle.doc)} onClose={() => setOverlay(null)} />
          </ErrorBoundary>
        ) : null}
        <ErrorBoundary name="Palette">
          <Palette />
        </ErrorBoundary>
        <main className="editor-canvas" aria-label="Diagram canvas">
          <div className="canvas-stack">
            {readOnly ? (
              <div className="readonly-banner" role="note">
                <Icon name="lock" size={14} /> You are viewing this diagram. Only owners and editors can change it.
              </div>
            ) : null}
            <ErrorBoundary name="Canvas">
              <DiagramCanvas ready={synced} onCursor={setCursor} onMenu={setMenu} onEdgeOpen={openEdge} />
            </ErrorBoundary>
            {menu ? (
              <ErrorBoundary name="Menu" onDismiss={closeMenu}>
                <ContextMenu
                  target={menu}
                  readOnly={readOnly}
                  items={menuItems(menu)}
                  onEdgeKind={(kind) => menu.type === "edge" && state().patchEdge(menu.id, { kind })}
                  onClose={closeMenu}
                />
              </ErrorBoundary>
            ) : null}
            <ErrorBoundary name="Canvas controls" variant="inline">
              <CanvasControls onTidy={() => void tidy()} tidying={tidying} />
            </ErrorBoundary>
            {!synced ? (
              <div className="canvas-loading">
                {connection === "denied" ? (
                  <ErrorState message="You do not have access to this diagram's live document." />
                ) : connection === "offline" ? (
                  <ErrorState message="The diagram could not be loaded. Check your connection; it will retry." />
                ) : (
                  <Spinner label="Opening the live document…" />
                )}
              </div>
            ) : null}
          </div>
        </main>
        <aside className="side-panel" aria-label="Details">
          <SidePanelTabs panel={panel} onChange={(next) => set({ panel: next })} />
          {/* Keyed by panel: a failed panel is retried when its tab is opened again. */}
          <div className="side-content">
            <ErrorBoundary key={panel} name={PANEL_NAMES[panel]}>
              {panel === "inspector" ? <Inspector /> : null}
              {panel === "document" ? <DocumentSettings /> : null}
              {panel === "versions" ? (
                <VersionsPanel
                  diagramId={diagram.id}
                  canSave={!readOnly}
                  reloadKey={versionsKey}
                  onSaved={() => {
                    setVersionsKey((k) => k + 1);
                    setLatestVersion((n) => n + 1);
                  }}
                  onOpen={setOverlay}
                />
              ) : null}
              {panel === "findings" ? <ChecksPanel diagramId={diagram.id} /> : null}
              {panel === "comments" ? <CommentsPanel /> : null}
              {panel === "assistant" ? <AssistantPanel /> : null}
            </ErrorBoundary>
          </div>
        </aside>
      </div>
      {helpOpen ? (
        <ErrorBoundary name="Keyboard shortcuts" onDismiss={() => set({ helpOpen: false })}>
          <ShortcutsOverlay onClose={() => set({ helpOpen: false })} />
        </ErrorBoundary>
      ) : null}
      {exporting ? (
        <ErrorBoundary name="Export" onDismiss={() => setExporting(false)}>
          <ExportDialog diagramId={diagram.id} latestVersion={latestVersion} onClose={() => setExporting(false)} />
        </ErrorBoundary>
      ) : null}
    </div>
  );
}

export function EditorPage({ diagramId }: { diagramId: number }) {
  const diagram = useAsync(() => api.diagram(diagramId), [diagramId]);
  const meUser = useMe();
  const [session, setSession] = useState<{ handle: EditorStoreHandle; sync: SyncHandle | null } | null>(null);
  const role = diagram.data?.role;
  const name = meUser?.display_name ?? document.getElementById("root")?.dataset.username ?? "Someone";
  const me = useMemo(() => ({ name, color: colourFor(meUser?.username ?? name) }), [name, meUser?.username]);

  useEffect(() => {
    if (!diagram.data || !meUser) return;
    const doc = new Y.Doc();
    const handle = createEditorStore(doc, { readOnly: !canEdit(role) });
    const sync = connectDiagram(diagramId, doc, handle.store, { name: meUser.display_name, color: colourFor(meUser.username) });
    setSession({ handle, sync });
    return () => {
      sync.destroy();
      handle.destroy();
      doc.destroy();
      setSession(null);
    };
  }, [diagramId, diagram.data, meUser, role]);

  if (diagram.error) {
    return (
      <div className="full-page-state">
        <ErrorState message={diagram.error} />
        <Button onClick={() => navigate("/")} icon="chevronLeft">
          All diagrams
        </Button>
      </div>
    );
  }
  if (!diagram.data || !session) {
    return (
      <div className="full-page-state">
        <Spinner label="Opening diagram…" />
      </div>
    );
  }
  return (
    <EditorContext.Provider value={session.handle}>
      <ReactFlowProvider>
        <EditorWorkspace diagram={diagram.data} sync={session.sync} me={me} />
      </ReactFlowProvider>
    </EditorContext.Provider>
  );
}

export { CLIPBOARD_MIME };
