import { useReactFlow, useStore as useFlowStore } from "@xyflow/react";
import { IS_MAC, shortcutLabel } from "../../lib/shortcuts";
import { useFitLanes } from "../../hooks/useFitLanes";
import { useEditor, useEditorHandle } from "../../store/context";
import { IconButton } from "../ui/Button";

export function CanvasControls({ onTidy, tidying }: { onTidy: () => void; tidying: boolean }) {
  const flow = useReactFlow();
  const fitLanes = useFitLanes();
  const zoom = useFlowStore((s) => s.transform[2]);
  const snapToGrid = useEditor((s) => s.snapToGrid);
  const showMinimap = useEditor((s) => s.showMinimap);
  const readOnly = useEditor((s) => s.readOnly);
  const set = useEditor((s) => s.set);
  const handle = useEditorHandle();
  // 100 % around the selected step when there is one, so what you work on stays in view.
  const resetZoom = () => {
    const id = handle.store.getState().selection.nodes[0];
    const node = id ? flow.getNode(id) : undefined;
    if (node) {
      const { w, h } = (node.data as { record: { w: number; h: number } }).record;
      void flow.setCenter(node.position.x + w / 2, node.position.y + h / 2, { zoom: 1, duration: 150 });
    } else void flow.zoomTo(1, { duration: 150 });
  };
  const k = (action: Parameters<typeof shortcutLabel>[0]) => shortcutLabel(action, IS_MAC);
  return (
    <div className="canvas-controls" role="toolbar" aria-label="View">
      <IconButton icon="minus" label="Zoom out" shortcut={k("zoomOut")} onClick={() => void flow.zoomOut({ duration: 150 })} />
      <button type="button" className="zoom-readout" onClick={resetZoom} aria-label="Reset zoom to 100%" data-tooltip="Reset to 100%">
        {Math.round(zoom * 100)}%
      </button>
      <IconButton icon="plus" label="Zoom in" shortcut={k("zoomIn")} onClick={() => void flow.zoomIn({ duration: 150 })} />
      <IconButton icon="fit" label="Zoom to fit" shortcut={k("zoomFit")} onClick={() => fitLanes(200)} />
      <span className="toolbar-divider" />
      <IconButton icon="grid" label="Snap to grid" shortcut={k("toggleSnap")} active={snapToGrid} onClick={() => set({ snapToGrid: !snapToGrid })} />
      <IconButton icon="map" label="Minimap" shortcut={k("toggleMinimap")} active={showMinimap} onClick={() => set({ showMinimap: !showMinimap })} />
      {!readOnly ? (
        <>
          <span className="toolbar-divider" />
          <IconButton icon="wand" label={tidying ? "Tidying…" : "Tidy up"} shortcut={k("tidy")} onClick={onTidy} disabled={tidying} />
        </>
      ) : null}
    </div>
  );
}
