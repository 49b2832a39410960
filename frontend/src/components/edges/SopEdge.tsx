import {
  BaseEdge,
  EdgeLabelRenderer,
  Position,
  getSmoothStepPath,
  type EdgeProps,
} from "@xyflow/react";
import { memo } from "react";
import { DIFF_COLOURS } from "../../lib/diff";
import { facingSides, offsetPoint, sidePoint, type Side } from "../../lib/edgeRouting";
import type { SopEdge as SopEdgeType } from "../../lib/flow";
import { edgeKindOf } from "../../lib/theme";
import { useEditor } from "../../store/context";
import { markerId } from "./markers";

const POSITION: Record<Side, Position> = {
  top: Position.Top,
  right: Position.Right,
  bottom: Position.Bottom,
  left: Position.Left,
};

const FALLBACK_SIZE = { w: 0, h: 0 };

// React Flow hands every edge its nodes' anchor points (each node's centre, see NodeShell); the
// sizes come from the editor store, so an edge needs no subscription to React Flow's node objects.
function SopEdgeInner({ id, source, target, sourceX, sourceY, targetX, targetY, data, selected }: EdgeProps<SopEdgeType>) {
  const sourceSize = useEditor((state) => state.sizes.get(source)) ?? FALLBACK_SIZE;
  const targetSize = useEditor((state) => state.sizes.get(target)) ?? FALLBACK_SIZE;
  const ports = useEditor((state) => state.ports.get(id));
  if (!data) return null;
  const record = data.record;
  const kind = edgeKindOf(record.kind);
  const s = { x: sourceX - sourceSize.w / 2, y: sourceY - sourceSize.h / 2, w: sourceSize.w, h: sourceSize.h };
  const t = { x: targetX - targetSize.w / 2, y: targetY - targetSize.h / 2, w: targetSize.w, h: targetSize.h };
  const sides = facingSides(s, t);
  const from = offsetPoint(sidePoint(s, sides.from), sides.from, ports?.[0] ?? 0);
  const to = offsetPoint(sidePoint(t, sides.to), sides.to, ports?.[1] ?? 0);
  const [path, labelX, labelY] = getSmoothStepPath({
    sourceX: from.x,
    sourceY: from.y,
    sourcePosition: POSITION[sides.from],
    targetX: to.x,
    targetY: to.y,
    targetPosition: POSITION[sides.to],
    borderRadius: 10,
    offset: 18,
  });
  const diff = data.diff;
  const colour = diff && diff !== "unchanged" ? DIFF_COLOURS[diff].stroke : kind.color;
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={`url(#${markerId(kind.marker, diff && diff !== "unchanged" ? diff : kind.id)})`}
        interactionWidth={16}
        className={`sop-edge edge-${kind.id}${selected ? " is-selected" : ""}${diff ? ` diff-${diff}` : ""}`}
        style={{
          stroke: colour,
          strokeWidth: selected ? kind.width + 1.5 : kind.width,
          strokeDasharray: kind.dash || undefined,
          opacity: diff === "unchanged" ? 0.45 : 1,
        }}
      />
      {record.label ? (
        <EdgeLabelRenderer>
          <div
            className={`sop-edge-label edge-label-${kind.id}${selected ? " is-selected" : ""}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`, borderColor: colour, color: colour }}
            data-edge-id={id}
          >
            {record.label}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
}

export const SopEdgeComponent = memo(SopEdgeInner);
export const edgeTypes = { sop: SopEdgeComponent };
