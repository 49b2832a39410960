import {
  BaseEdge,
  EdgeLabelRenderer,
  Position,
  getSmoothStepPath,
  useInternalNode,
  type EdgeProps,
} from "@xyflow/react";
import { memo } from "react";
import { DIFF_COLOURS } from "../../lib/diff";
import { facingSides, sidePoint, type Side } from "../../lib/edgeRouting";
import type { SopEdge as SopEdgeType } from "../../lib/flow";
import { edgeKindOf } from "../../lib/theme";
import { markerId } from "./markers";

const POSITION: Record<Side, Position> = {
  top: Position.Top,
  right: Position.Right,
  bottom: Position.Bottom,
  left: Position.Left,
};

function SopEdgeInner({ id, source, target, data, selected }: EdgeProps<SopEdgeType>) {
  const sourceNode = useInternalNode(source);
  const targetNode = useInternalNode(target);
  if (!sourceNode || !targetNode || !data) return null;
  const record = data.record;
  const kind = edgeKindOf(record.kind);
  const s = {
    x: sourceNode.internals.positionAbsolute.x,
    y: sourceNode.internals.positionAbsolute.y,
    w: sourceNode.measured.width ?? sourceNode.width ?? 0,
    h: sourceNode.measured.height ?? sourceNode.height ?? 0,
  };
  const t = {
    x: targetNode.internals.positionAbsolute.x,
    y: targetNode.internals.positionAbsolute.y,
    w: targetNode.measured.width ?? targetNode.width ?? 0,
    h: targetNode.measured.height ?? targetNode.height ?? 0,
  };
  const sides = facingSides(s, t);
  const from = sidePoint(s, sides.from);
  const to = sidePoint(t, sides.to);
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
