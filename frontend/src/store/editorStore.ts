// The editor's state: a zustand store made by a factory, one per open diagram. The Y document
// is the source of truth; this store mirrors it for React Flow and holds what is local to the
// tab (selection, panels, drag in progress, presence seen from others).
import { applyNodeChanges, type EdgeChange, type NodeChange } from "@xyflow/react";
import * as Y from "yjs";
import { createStore, type StoreApi } from "zustand/vanilla";
import { fragmentFrom, instantiateFragment, type Fragment } from "../lib/clipboard";
import { patchEdges, patchNodes, sameRecord, selectedIds, toFlowEdge, toFlowNode, type SopEdge, type SopNode } from "../lib/flow";
import { portOffsets, type PortOffsets } from "../lib/edgeRouting";
import { nearestInDirection, nextInOrder, snap, stageForBox, type Box, type Direction } from "../lib/geometry";
import { newId } from "../lib/ids";
import { noRemoteSelections, type PeerBadge, type PeerCursor, type PeerInfo } from "../lib/presence";
import { EDGE_KINDS, LAYOUT, nodeKindOf, type EdgeKindId } from "../lib/theme";
import {
  LOCAL_ORIGIN,
  addElements,
  deleteElements,
  docRoots,
  moveNodes,
  readEdge,
  readMeta,
  readNode,
  setNodeField,
  updateEdge,
  updateMeta,
  updateNode,
  type DiagramMeta,
  type EdgePatch,
  type EdgeRecord,
  type FieldValue,
  type NodePatch,
  type NodeRecord,
} from "../lib/ydoc";

export type ConnectionState = "connecting" | "online" | "reconnecting" | "offline" | "denied" | "local";
export type SidePanel = "inspector" | "document" | "versions" | "findings" | "comments" | "assistant";

export type { PeerBadge, PeerCursor, PeerInfo };

export const DRAG_WRITE_INTERVAL_MS = 50;
const UNDO_CAPTURE_MS = 500;

export interface NodeSize {
  w: number;
  h: number;
}

/** Node sizes by id, for edge routing; a new Map only when a size changes or a node comes or goes. */
export function sizesOf(nodes: readonly SopNode[], previous?: ReadonlyMap<string, NodeSize>): Map<string, NodeSize> {
  const next = new Map<string, NodeSize>();
  let same = previous !== undefined && previous.size === nodes.length;
  for (const node of nodes) {
    const { w, h } = node.data.record;
    const before = previous?.get(node.id);
    if (before && before.w === w && before.h === h) next.set(node.id, before);
    else {
      next.set(node.id, { w, h });
      same = false;
    }
  }
  return same && previous ? (previous as Map<string, NodeSize>) : next;
}

export interface EditorState {
  nodes: SopNode[];
  sizes: Map<string, NodeSize>;
  /** Where each edge's ends sit along their node sides (see lib/edgeRouting). */
  ports: PortOffsets;
  edges: SopEdge[];
  meta: DiagramMeta;
  selection: { nodes: string[]; edges: string[] };
  readOnly: boolean;
  connection: ConnectionState;
  synced: boolean;
  pendingEdits: number;
  peers: PeerInfo[];
  cursors: PeerCursor[];
  remoteSelections: Record<string, PeerBadge[]>;
  canUndo: boolean;
  canRedo: boolean;
  snapToGrid: boolean;
  showMinimap: boolean;
  connectKind: EdgeKindId;
  editingLabelId: string | null;
  panel: SidePanel;
  helpOpen: boolean;

  onNodesChange: (changes: NodeChange<SopNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<SopEdge>[]) => void;
  dragStart: () => void;
  dragStop: () => void;
  connect: (source: string, target: string) => string | null;
  addNode: (kind: string, centre: { x: number; y: number }, stage?: string) => string | null;
  patchNode: (id: string, patch: NodePatch) => void;
  setField: (id: string, key: string, value: FieldValue | null) => void;
  patchEdge: (id: string, patch: EdgePatch) => void;
  patchMeta: (patch: Partial<DiagramMeta>) => void;
  deleteSelection: () => void;
  copySelection: () => Fragment | null;
  paste: (fragment: Fragment, offset?: { x: number; y: number }) => void;
  selectOnly: (nodeIds: string[], edgeIds?: string[]) => void;
  selectAll: () => void;
  moveSelectionBy: (dx: number, dy: number) => void;
  focusStep: (direction: Direction | "next" | "previous") => string | null;
  applyPlacements: (placements: Array<{ id: string; x: number; y: number }>) => void;
  undo: () => void;
  redo: () => void;
  set: (partial: Partial<EditorState>) => void;
}

export interface EditorStoreHandle {
  store: StoreApi<EditorState>;
  doc: Y.Doc;
  undoManager: Y.UndoManager;
  /** Stop observing the document. */
  destroy: () => void;
  /** Records straight from the document (for copy, tidy, export of the live state). */
  records: () => { nodes: NodeRecord[]; edges: EdgeRecord[] };
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, index) => id === b[index]);
}

export function createEditorStore(doc: Y.Doc, options: { readOnly: boolean }): EditorStoreHandle {
  const roots = docRoots(doc);
  const undoManager = new Y.UndoManager([roots.meta, roots.nodes, roots.edges], {
    trackedOrigins: new Set([LOCAL_ORIGIN]),
    captureTimeout: UNDO_CAPTURE_MS,
  });
  const dragging = new Set<string>();
  let dragTimer: ReturnType<typeof setTimeout> | null = null;

  const initialNodes: SopNode[] = [];
  roots.nodes.forEach((value, id) => {
    if (value instanceof Y.Map) initialNodes.push(toFlowNode(readNode(id, value)));
  });
  const initialEdges: SopEdge[] = [];
  roots.edges.forEach((value, id) => {
    if (value instanceof Y.Map) initialEdges.push(toFlowEdge(readEdge(id, value)));
  });

  const records = () => {
    const nodes: NodeRecord[] = [];
    roots.nodes.forEach((value, id) => value instanceof Y.Map && nodes.push(readNode(id, value)));
    const edges: EdgeRecord[] = [];
    roots.edges.forEach((value, id) => value instanceof Y.Map && edges.push(readEdge(id, value)));
    return { nodes, edges };
  };

  const store = createStore<EditorState>()((set, get) => {
    const writable = () => !get().readOnly;

    const flushDrag = (final: boolean) => {
      if (dragTimer) {
        clearTimeout(dragTimer);
        dragTimer = null;
      }
      if (dragging.size === 0) return;
      const positions: Array<{ id: string; x: number; y: number; stage?: string }> = [];
      for (const node of get().nodes) {
        if (!dragging.has(node.id)) continue;
        const entry: { id: string; x: number; y: number; stage?: string } = {
          id: node.id,
          x: node.position.x,
          y: node.position.y,
        };
        // The lane a step is dropped in is its stage.
        if (final) entry.stage = stageForBox({ x: node.position.x, w: node.data.record.w });
        positions.push(entry);
      }
      if (positions.length) moveNodes(doc, positions);
    };

    const updateSelection = (nodes: SopNode[], edges: SopEdge[]) => {
      const current = get().selection;
      const nextNodes = selectedIds(nodes);
      const nextEdges = selectedIds(edges);
      if (sameIds(current.nodes, nextNodes) && sameIds(current.edges, nextEdges)) return current;
      return { nodes: nextNodes, edges: nextEdges };
    };

    const selectionBoxes = (): Box[] =>
      get().nodes.map((node) => ({
        id: node.id,
        x: node.position.x,
        y: node.position.y,
        w: node.data.record.w,
        h: node.data.record.h,
      }));

    return {
      nodes: initialNodes,
      sizes: sizesOf(initialNodes),
      ports: new Map(),
      edges: initialEdges,
      meta: readMeta(roots.meta),
      selection: { nodes: [], edges: [] },
      readOnly: options.readOnly,
      connection: "connecting",
      synced: false,
      pendingEdits: 0,
      peers: [],
      cursors: [],
      remoteSelections: noRemoteSelections(),
      canUndo: false,
      canRedo: false,
      snapToGrid: true,
      showMinimap: true,
      connectKind: (EDGE_KINDS[0]?.id ?? "flow") as EdgeKindId,
      editingLabelId: null,
      panel: "inspector",
      helpOpen: false,

      onNodesChange: (changes) => {
        let moved = false;
        const allowed = changes.filter((change) => {
          if (change.type === "remove" || change.type === "add" || change.type === "replace") return false;
          if (change.type === "position") {
            if (!writable()) return false;
            if (change.dragging) {
              dragging.add(change.id);
              moved = true;
            }
          }
          return true;
        });
        if (allowed.length === 0) return;
        const nodes = applyNodeChanges(allowed, get().nodes);
        const selecting = allowed.some((change) => change.type === "select");
        set(selecting ? { nodes, selection: updateSelection(nodes, get().edges) } : { nodes });
        if (moved && !dragTimer) {
          dragTimer = setTimeout(() => {
            dragTimer = null;
            flushDrag(false);
          }, DRAG_WRITE_INTERVAL_MS);
        }
      },

      onEdgesChange: (changes) => {
        const allowed = changes.filter((change) => change.type === "select");
        if (allowed.length === 0) return;
        const selectedById = new Map<string, boolean>();
        for (const change of allowed) if (change.type === "select") selectedById.set(change.id, change.selected);
        const edges = get().edges.map((edge) =>
          selectedById.has(edge.id) && edge.selected !== selectedById.get(edge.id)
            ? { ...edge, selected: selectedById.get(edge.id) }
            : edge,
        );
        set({ edges, selection: updateSelection(get().nodes, edges) });
      },

      dragStart: () => {
        // One drag is one undo step, however long it takes.
        undoManager.stopCapturing();
        undoManager.captureTimeout = Number.POSITIVE_INFINITY;
      },

      dragStop: () => {
        flushDrag(true);
        const moved = [...dragging];
        dragging.clear();
        const changes = new Map<string, NodeRecord | null>();
        for (const id of moved) {
          const value = roots.nodes.get(id);
          changes.set(id, value instanceof Y.Map ? readNode(id, value) : null);
        }
        set({ nodes: patchNodes(get().nodes, changes) });
        undoManager.captureTimeout = UNDO_CAPTURE_MS;
        undoManager.stopCapturing();
      },

      connect: (source, target) => {
        if (!writable() || source === target) return null;
        const id = newId("e");
        undoManager.stopCapturing();
        addElements(doc, [], [{ id, source, target, kind: get().connectKind, label: "" }]);
        return id;
      },

      addNode: (kind, centreAt, stage) => {
        if (!writable()) return null;
        const spec = nodeKindOf(kind);
        const id = newId("n");
        const x = snap(centreAt.x - spec.w / 2);
        const y = Math.max(snap(centreAt.y - spec.h / 2), LAYOUT.laneHeaderHeight + 10);
        const record: NodeRecord = {
          id,
          kind: spec.id,
          stage: stage ?? stageForBox({ x, w: spec.w }),
          label: spec.id === "end" ? "End" : `New ${spec.name.toLowerCase()}`,
          description: "",
          x,
          y,
          w: spec.w,
          h: spec.h,
          fields: {},
        };
        undoManager.stopCapturing();
        addElements(doc, [record]);
        get().selectOnly([id]);
        return id;
      },

      patchNode: (id, patch) => writable() && updateNode(doc, id, patch),
      setField: (id, key, value) => writable() && setNodeField(doc, id, key, value),
      patchEdge: (id, patch) => writable() && updateEdge(doc, id, patch),
      patchMeta: (patch) => writable() && updateMeta(doc, patch),

      deleteSelection: () => {
        if (!writable()) return;
        const { nodes, edges } = get().selection;
        if (nodes.length === 0 && edges.length === 0) return;
        undoManager.stopCapturing();
        deleteElements(doc, nodes, edges);
        set({ selection: { nodes: [], edges: [] } });
      },

      copySelection: () => {
        const { nodes } = get().selection;
        if (nodes.length === 0) return null;
        const all = records();
        return fragmentFrom(all.nodes, all.edges, new Set(nodes));
      },

      paste: (fragment, offset = { x: 40, y: 40 }) => {
        if (!writable() || fragment.nodes.length === 0) return;
        const made = instantiateFragment(fragment, offset);
        undoManager.stopCapturing();
        addElements(doc, made.nodes, made.edges);
        get().selectOnly(made.nodes.map((node) => node.id));
      },

      selectOnly: (nodeIds, edgeIds = []) => {
        const wantNodes = new Set(nodeIds);
        const wantEdges = new Set(edgeIds);
        const nodes = get().nodes.map((node) =>
          node.selected === wantNodes.has(node.id) ? node : { ...node, selected: wantNodes.has(node.id) },
        );
        const edges = get().edges.map((edge) =>
          !!edge.selected === wantEdges.has(edge.id) ? edge : { ...edge, selected: wantEdges.has(edge.id) },
        );
        set({ nodes, edges, selection: updateSelection(nodes, edges) });
      },

      selectAll: () => get().selectOnly(get().nodes.map((node) => node.id), get().edges.map((e) => e.id)),

      moveSelectionBy: (dx, dy) => {
        if (!writable()) return;
        const ids = new Set(get().selection.nodes);
        if (ids.size === 0) return;
        const positions = get()
          .nodes.filter((node) => ids.has(node.id))
          .map((node) => {
            const x = node.position.x + dx;
            return { id: node.id, x, y: node.position.y + dy, stage: stageForBox({ x, w: node.data.record.w }) };
          });
        moveNodes(doc, positions);
      },

      focusStep: (direction) => {
        const boxes = selectionBoxes();
        const current = get().selection.nodes[0] ?? null;
        let target: string | null;
        if (direction === "next" || direction === "previous") {
          target = nextInOrder(boxes, current, direction === "next" ? 1 : -1);
        } else if (current === null) {
          target = nextInOrder(boxes, null, 1);
        } else {
          target = nearestInDirection(boxes, current, direction);
        }
        if (target) get().selectOnly([target]);
        return target;
      },

      applyPlacements: (placements) => {
        if (!writable()) return;
        undoManager.stopCapturing();
        moveNodes(doc, placements);
        undoManager.stopCapturing();
      },

      undo: () => {
        if (writable()) undoManager.undo();
      },
      redo: () => {
        if (writable()) undoManager.redo();
      },
      set: (partial) => set(partial),
    };
  });

  // ---- Document → store, incrementally: only the elements an event touched are re-read. ----
  const onNodes = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
    const touched = new Set<string>();
    for (const event of events) {
      if (event.target === roots.nodes) {
        event.changes.keys.forEach((_change, key) => touched.add(key));
      } else {
        const id = event.path[0];
        if (typeof id === "string") touched.add(id);
      }
    }
    const changes = new Map<string, NodeRecord | null>();
    for (const id of touched) {
      const value = roots.nodes.get(id);
      changes.set(id, value instanceof Y.Map ? readNode(id, value) : null);
    }
    const state = store.getState();
    if (dragging.size > 0 && [...changes.keys()].every((id) => dragging.has(id))) {
      // Our own throttled drag writes: the canvas already shows these positions. Re-read once
      // the drag ends instead of re-rendering 500 nodes every 50 ms.
      let onlyMoves = true;
      for (const [id, record] of changes) {
        const current = state.nodes.find((node) => node.id === id)?.data.record;
        if (!record || !current || !sameRecord({ ...current, x: 0, y: 0 }, { ...record, x: 0, y: 0 })) {
          onlyMoves = false;
          break;
        }
      }
      if (onlyMoves) return;
    }
    const nodes = patchNodes(state.nodes, changes, dragging);
    const selection = state.selection.nodes.some((id) => changes.get(id) === null)
      ? { nodes: selectedIds(nodes), edges: state.selection.edges }
      : state.selection;
    store.setState({ nodes, selection, sizes: sizesOf(nodes, state.sizes) });
  };
  const onEdges = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
    const touched = new Set<string>();
    for (const event of events) {
      if (event.target === roots.edges) event.changes.keys.forEach((_c, key) => touched.add(key));
      else if (typeof event.path[0] === "string") touched.add(event.path[0]);
    }
    const changes = new Map<string, EdgeRecord | null>();
    for (const id of touched) {
      const value = roots.edges.get(id);
      changes.set(id, value instanceof Y.Map ? readEdge(id, value) : null);
    }
    const state = store.getState();
    const edges = patchEdges(state.edges, changes);
    const selection = state.selection.edges.some((id) => changes.get(id) === null)
      ? { nodes: state.selection.nodes, edges: selectedIds(edges) }
      : state.selection;
    store.setState({ edges, selection });
  };
  const onMeta = () => store.setState({ meta: readMeta(roots.meta) });
  const onStack = () =>
    store.setState({ canUndo: undoManager.canUndo(), canRedo: undoManager.canRedo() });

  // Edge ports follow the nodes and edges on screen (also while dragging, before any write).
  const updatePorts = (state: EditorState) => {
    const rects = new Map<string, { x: number; y: number; w: number; h: number }>();
    for (const node of state.nodes) {
      rects.set(node.id, { x: node.position.x, y: node.position.y, w: node.data.record.w, h: node.data.record.h });
    }
    store.setState({ ports: portOffsets(rects, state.edges, state.ports) });
  };
  updatePorts(store.getState());
  const unsubscribePorts = store.subscribe((state, previous) => {
    // Not during a drag: re-spreading ports every frame costs a second pass over every edge;
    // the drop recomputes them.
    if (dragging.size > 0) return;
    if (state.nodes !== previous.nodes || state.edges !== previous.edges) updatePorts(state);
  });

  roots.nodes.observeDeep(onNodes);
  roots.edges.observeDeep(onEdges);
  roots.meta.observeDeep(onMeta);
  undoManager.on("stack-item-added", onStack);
  undoManager.on("stack-item-popped", onStack);
  undoManager.on("stack-cleared", onStack);

  return {
    store,
    doc,
    undoManager,
    records,
    destroy: () => {
      if (dragTimer) clearTimeout(dragTimer);
      unsubscribePorts();
      roots.nodes.unobserveDeep(onNodes);
      roots.edges.unobserveDeep(onEdges);
      roots.meta.unobserveDeep(onMeta);
      undoManager.destroy();
    },
  };
}
