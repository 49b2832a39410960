// The frame every node kind shares: shape outline in its stage colour, icon, label (editable in
// place), handles on four sides, remote people's selections and the diff colouring.
import { Handle, Position, useStore as useFlowStore, useUpdateNodeInternals, type NodeProps } from "@xyflow/react";
import { memo, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useNodeBadge } from "../../hooks/useFindings";
import { DIFF_COLOURS } from "../../lib/diff";
import type { NodeBadge } from "../../lib/findings";
import type { SopNode } from "../../lib/flow";
import { LIMITS, nodeKindOf, stageOf } from "../../lib/theme";
import { useEditor } from "../../store/context";
import { MaskIcon } from "../ui/MaskIcon";
import { shapeDetail, shapePath } from "./shapes";

// Shapes drawn with CSS borders: far cheaper for the browser to paint and composite than an SVG
// per node, which matters with hundreds of steps on screen.
const CSS_SHAPES = new Set(["rect", "pill", "circle"]);

export type ShellLayout = "row" | "center" | "badge";

interface ShellProps extends NodeProps<SopNode> {
  /** row: icon chip beside the label; center: icon above a centred label; badge: icon inside, label below. */
  layout: ShellLayout;
}

const HANDLES: Array<{ position: Position; id: string }> = [
  { position: Position.Top, id: "t" },
  { position: Position.Right, id: "r" },
  { position: Position.Bottom, id: "b" },
  { position: Position.Left, id: "l" },
];

function LabelEditor({ id, initial }: { id: string; initial: string }) {
  const patchNode = useEditor((s) => s.patchNode);
  const set = useEditor((s) => s.set);
  const [value, setValue] = useState(initial);
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  const finish = (save: boolean) => {
    if (save && value.trim() !== initial) patchNode(id, { label: value.trim().slice(0, LIMITS.labelMax) });
    set({ editingLabelId: null });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    event.stopPropagation();
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      finish(true);
    } else if (event.key === "Escape") {
      event.preventDefault();
      finish(false);
    }
  };
  return (
    <textarea
      ref={input}
      className="node-label-input nodrag nowheel"
      aria-label="Step label"
      value={value}
      maxLength={LIMITS.labelMax}
      rows={2}
      onChange={(event) => setValue(event.target.value)}
      onKeyDown={onKeyDown}
      onBlur={() => finish(true)}
    />
  );
}

/** The step's check findings: a count in the worst severity's colour, the messages on hover. */
function FindingBadge({ badge }: { badge: NodeBadge }) {
  const title = badge.messages.join("\n");
  return (
    <span className={`sop-node-badge is-${badge.severity}`} title={title} aria-label={`${badge.count} check findings: ${title}`} data-count={badge.count}>
      {badge.count}
    </span>
  );
}

function NodeShellInner({ id, data, selected, layout }: ShellProps) {
  const { record, diff } = data;
  const stage = stageOf(record.stage);
  const kind = nodeKindOf(record.kind);
  const editing = useEditor((s) => s.editingLabelId === id);
  const remote = useEditor((s) => s.remoteSelections[id]);
  const badge = useNodeBadge(id);
  // 0: cannot connect; 1: can; 2: a connection is being drawn right now.
  const connectMode = useFlowStore((s) => (s.nodesConnectable ? (s.connection.inProgress ? 2 : 1) : 0));
  const [hovered, setHovered] = useState(false);
  // Handles exist only while they can be used: four React Flow handles on each of hundreds of
  // steps made every drag frame re-run thousands of store selectors (bench_editor.py).
  const showHandles = connectMode === 2 || (connectMode === 1 && (hovered || Boolean(selected)));
  const updateNodeInternals = useUpdateNodeInternals();
  useEffect(() => {
    if (showHandles) updateNodeInternals(id);
  }, [showHandles, id, updateNodeInternals]);
  const w = record.w;
  const h = record.h;
  const diffColour = diff ? DIFF_COLOURS[diff] : null;
  const stroke = diffColour && diff !== "unchanged" ? diffColour.stroke : stage.color;
  const fill = diffColour && diff !== "unchanged" ? diffColour.fill : record.kind === "note" ? "#fffdf3" : "#ffffff";
  const ringColour = remote?.[0]?.color;
  const label = record.label || (layout === "badge" ? "" : "Untitled step");
  const fieldCount = Object.keys(record.fields).length;

  return (
    <div
      className={`sop-node shape-${kind.shape} layout-${layout}${selected ? " is-selected" : ""}${diff ? ` diff-${diff}` : ""}`}
      style={{ width: w, height: h, ["--stage" as string]: stage.color, ["--stage-fill" as string]: stage.fill }}
      data-node-id={id}
      data-kind={record.kind}
      data-stage={record.stage}
      onMouseEnter={() => setHovered(true)}
      onMouseLeave={() => setHovered(false)}
      title={record.description || undefined}
    >
      {CSS_SHAPES.has(kind.shape) ? (
        <div
          className="sop-node-frame"
          style={{ borderColor: stroke, background: fill, borderStyle: diff === "removed" ? "dashed" : "solid" }}
        />
      ) : (
        <svg className="sop-node-shape" width={w} height={h} aria-hidden="true">
          <path
            d={shapePath(kind.shape, w, h)}
            fill={fill}
            stroke={stroke}
            strokeWidth={selected ? 2.5 : 1.6}
            strokeDasharray={diff === "removed" ? "6 4" : record.kind === "note" ? "4 3" : undefined}
          />
          {shapeDetail(kind.shape, w) ? <path d={shapeDetail(kind.shape, w)!} fill="none" stroke={stroke} strokeWidth={1.4} /> : null}
        </svg>
      )}
      {ringColour ? (
        <div className="sop-node-remote" style={{ borderColor: ringColour }}>
          <span style={{ background: ringColour }}>{remote!.map((peer) => peer.name).join(", ")}</span>
        </div>
      ) : null}
      <div className="sop-node-body">
        <span className="sop-node-icon" style={{ color: stage.color, background: stage.fill }}>
          <MaskIcon name={kind.icon} size={layout === "badge" ? 22 : 16} />
        </span>
        {layout !== "badge" ? (
          <span className="sop-node-text">
            {editing ? (
              <LabelEditor id={id} initial={record.label} />
            ) : (
              <span className="sop-node-label">{label}</span>
            )}
            {layout === "row" ? (
              <span className="sop-node-meta">
                {stage.name}
                {fieldCount > 0 ? <span className="sop-node-facts"> · {fieldCount} facts</span> : null}
              </span>
            ) : null}
          </span>
        ) : null}
      </div>
      {layout === "badge" ? (
        <div className="sop-node-below">{editing ? <LabelEditor id={id} initial={record.label} /> : label}</div>
      ) : null}
      {diff && diff !== "unchanged" ? <span className={`diff-tag diff-tag-${diff}`}>{DIFF_COLOURS[diff].label}</span> : null}
      {/* Check findings (and, later, review comments) pinned to this step; not on a version's diff. */}
      {badge && !diff ? <FindingBadge badge={badge} /> : null}
      {/* React Flow measures a node's handles to place its edges; this inert anchor keeps every
          node measurable when its real handles are not mounted (our edges route themselves). */}
      <span className="source sop-anchor" data-handleid="anchor" data-handlepos="top" aria-hidden="true" />
      {showHandles
        ? HANDLES.map((handle) => (
            <Handle key={handle.id} id={handle.id} type="source" position={handle.position} className="sop-handle" />
          ))
        : null}
    </div>
  );
}

export const NodeShell = memo(NodeShellInner);
