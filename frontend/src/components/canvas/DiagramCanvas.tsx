// The React Flow canvas shared by the editor, the read-only version view and the diff view.
import {
  Background,
  BackgroundVariant,
  ConnectionMode,
  MiniMap,
  ReactFlow,
  useReactFlow,
  useStore as useFlowStore,
  type Connection,
  type Node,
  type OnSelectionChangeParams,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, type DragEvent, type MouseEvent } from "react";
import type { SopEdge, SopNode } from "../../lib/flow";
import { LAYOUT, edgeKindOf, nodeKindOf, stageOf } from "../../lib/theme";
import { useEditor, useEditorHandle } from "../../store/context";
import { edgeTypes } from "../edges/SopEdge";
import { EdgeMarkers } from "../edges/markers";
import { nodeTypes } from "../nodes/registry";
import { useFitLanes } from "../../hooks/useFitLanes";
import type { MenuTarget } from "./ContextMenu";
import { Lanes } from "./Lanes";
import { ErrorBoundary } from "../ui/ErrorBoundary";
import { RemoteCursors } from "./RemoteCursors";

export const PALETTE_MIME = "application/x-sop-node-kind";

interface CanvasProps {
  onMenu?: (target: MenuTarget) => void;
  onEdgeOpen?: (edgeId: string) => void;
  onCursor?: (point: { x: number; y: number } | null) => void;
  onSelection?: (ids: string[]) => void;
  /** Fit the view once this turns true (the document has arrived). */
  ready: boolean;
  className?: string;
}

const snapGrid: [number, number] = [LAYOUT.gridSize, LAYOUT.gridSize];
const proOptions = { hideAttribution: true };
const defaultEdgeOptions = { type: "sop" };

function minimapColour(node: Node): string {
  return stageOf((node as SopNode).data.record.stage).color;
}

/** The dot grid, hidden when zoomed far out where it would only add noise (and paint cost). */
function GridDots() {
  const visible = useFlowStore((s) => s.transform[2] >= 0.45);
  return visible ? (
    <Background variant={BackgroundVariant.Dots} gap={LAYOUT.gridSize * 2} size={1} color="#cbd5e1" bgColor="transparent" />
  ) : null;
}

export function DiagramCanvas({ onCursor, onSelection, onMenu, onEdgeOpen, ready, className }: CanvasProps) {
  const handle = useEditorHandle();
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const readOnly = useEditor((s) => s.readOnly);
  const snapToGrid = useEditor((s) => s.snapToGrid);
  const showMinimap = useEditor((s) => s.showMinimap);
  const connectKind = useEditor((s) => s.connectKind);
  const onNodesChange = useEditor((s) => s.onNodesChange);
  const onEdgesChange = useEditor((s) => s.onEdgesChange);
  const flow = useReactFlow<SopNode, SopEdge>();
  const fitted = useRef(false);
  const fitLanes = useFitLanes();
  // Level of detail: far out, steps draw as coloured boxes; text at that size is unreadable and
  // hundreds of labels and icons only cost paint time.
  const far = useFlowStore((s) => s.transform[2] < 0.3);

  useEffect(() => {
    if (ready && !fitted.current && nodes.length > 0) {
      fitted.current = true;
      requestAnimationFrame(() => fitLanes());
    }
  }, [ready, nodes.length, fitLanes]);

  const onConnect = useCallback(
    (connection: Connection) => {
      const id = handle.store.getState().connect(connection.source, connection.target);
      if (id) handle.store.getState().selectOnly([], [id]);
    },
    [handle],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(PALETTE_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    }
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = event.dataTransfer.getData(PALETTE_MIME);
      if (!kind) return;
      event.preventDefault();
      const point = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      handle.store.getState().addNode(nodeKindOf(kind).id, point);
    },
    [flow, handle],
  );

  const onMouseMove = useCallback(
    (event: MouseEvent) => {
      if (!onCursor) return;
      onCursor(flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
    },
    [flow, onCursor],
  );

  const onSelectionChange = useCallback(
    ({ nodes: selected }: OnSelectionChangeParams) => onSelection?.(selected.map((node) => node.id)),
    [onSelection],
  );

  const onNodeDoubleClick = useCallback(
    (_event: MouseEvent, node: Node) => {
      if (!handle.store.getState().readOnly) handle.store.getState().set({ editingLabelId: node.id });
    },
    [handle],
  );

  const onNodeContextMenu = useCallback(
    (event: MouseEvent, node: Node) => {
      if (!onMenu) return;
      event.preventDefault();
      const state = handle.store.getState();
      if (!state.selection.nodes.includes(node.id)) state.selectOnly([node.id]);
      onMenu({ type: "node", id: node.id, x: event.clientX, y: event.clientY });
    },
    [handle, onMenu],
  );

  const onEdgeContextMenu = useCallback(
    (event: MouseEvent, edge: SopEdge) => {
      if (!onMenu) return;
      event.preventDefault();
      handle.store.getState().selectOnly([], [edge.id]);
      onMenu({ type: "edge", id: edge.id, kind: edge.data?.record.kind ?? "flow", x: event.clientX, y: event.clientY });
    },
    [handle, onMenu],
  );

  // Every prop handed to <ReactFlow> must keep its identity across renders: this component
  // re-renders on every drag frame (the controlled `nodes` change), and a fresh callback or style
  // object there re-renders React Flow's memoised graph view, and with a fresh edge handler every
  // one of the hundreds of edge wrappers; fresh drag callbacks each cost a React Flow store update
  // that re-runs every node's and edge's selector (bench_editor.py, zoomed to fit at 500 nodes).
  const onDragStart = useCallback(() => handle.store.getState().dragStart(), [handle]);
  const onDragStop = useCallback(() => handle.store.getState().dragStop(), [handle]);
  const onEdgeDoubleClick = useMemo(
    () => (onEdgeOpen ? (_event: MouseEvent, edge: SopEdge) => onEdgeOpen(edge.id) : undefined),
    [onEdgeOpen],
  );
  const connectColour = edgeKindOf(connectKind).color;
  const connectionLineStyle = useMemo(
    () => ({ stroke: connectColour, strokeWidth: 2, strokeDasharray: "5 4" }),
    [connectColour],
  );

  const onPaneContextMenu = useCallback(
    (event: MouseEvent | globalThis.MouseEvent) => {
      if (!onMenu) return;
      event.preventDefault();
      onMenu({ type: "pane", x: event.clientX, y: event.clientY });
    },
    [onMenu],
  );

  return (
    <div
      className={`canvas-wrap${readOnly ? " is-readonly" : ""}${far ? " zoom-far" : ""}${className ? ` ${className}` : ""}`}
      tabIndex={0}
      role="application"
      aria-roledescription="diagram canvas"
      aria-label="Diagram canvas. Arrow keys with Alt select steps, arrows move them, ? lists every shortcut."
      onMouseDown={(event) => {
        // Clicking the canvas takes keyboard focus from whatever button had it, so Delete,
        // arrows and copy act on the diagram.
        const target = event.target as HTMLElement;
        if (!target.closest("input, textarea, select, button")) event.currentTarget.focus({ preventScroll: true });
      }}
      onMouseMove={onCursor ? onMouseMove : undefined}
      onMouseLeave={onCursor ? () => onCursor(null) : undefined}
    >
      <EdgeMarkers />
      <ReactFlow<SopNode, SopEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        defaultEdgeOptions={defaultEdgeOptions}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onNodeDragStart={onDragStart}
        onNodeDragStop={onDragStop}
        onSelectionDragStart={onDragStart}
        onSelectionDragStop={onDragStop}
        onNodeDoubleClick={onNodeDoubleClick}
        onEdgeDoubleClick={onEdgeDoubleClick}
        onNodeContextMenu={onNodeContextMenu}
        onEdgeContextMenu={onEdgeContextMenu}
        onPaneContextMenu={onPaneContextMenu}
        onSelectionChange={onSelectionChange}
        onDrop={onDrop}
        onDragOver={onDragOver}
        connectionMode={ConnectionMode.Loose}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        elementsSelectable
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={["Meta", "Control", "Shift"]}
        disableKeyboardA11y
        snapToGrid={snapToGrid}
        snapGrid={snapGrid}
        minZoom={0.1}
        maxZoom={2.5}
        zoomOnDoubleClick={false}
        onlyRenderVisibleElements={nodes.length > 300}
        proOptions={proOptions}
        connectionLineStyle={connectionLineStyle}
        fitView={false}
      >
        <GridDots />
        <Lanes />
        {showMinimap ? (
          <MiniMap
            pannable
            zoomable
            nodeColor={minimapColour}
            nodeStrokeWidth={0}
            maskColor="rgba(241, 245, 249, 0.7)"
            ariaLabel="Minimap"
            position="bottom-right"
          />
        ) : null}
        {/* Other people's pointers are decoration: if they fail, the canvas carries on without them. */}
        <ErrorBoundary name="Cursors" variant="inline">
          <RemoteCursors />
        </ErrorBoundary>
      </ReactFlow>
    </div>
  );
}
