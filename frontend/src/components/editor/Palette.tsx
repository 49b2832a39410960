// The left palette: drag a step onto a lane (or click to add it to the view's centre), and pick
// which kind of edge new connections get.
import { useReactFlow } from "@xyflow/react";
import type { DragEvent } from "react";
import { EDGE_KINDS, NODE_KINDS, STAGES, type EdgeKindId } from "../../lib/theme";
import { useEditor } from "../../store/context";
import { PALETTE_MIME } from "../canvas/DiagramCanvas";
import { shapePath } from "../nodes/shapes";
import { Icon } from "../ui/Icon";

function KindPreview({ shape }: { shape: string }) {
  const w = 34;
  const h = shape === "circle" ? 22 : shape === "diamond" ? 24 : 20;
  const width = shape === "circle" ? 22 : w;
  return (
    <svg width={w} height={24} viewBox={`0 0 ${w} 24`} aria-hidden="true">
      <g transform={`translate(${(w - width) / 2}, ${(24 - h) / 2})`}>
        <path d={shapePath(shape, width, h)} fill="#fff" stroke="currentColor" strokeWidth={1.4} />
      </g>
    </svg>
  );
}

function EdgePreview({ id }: { id: string }) {
  const kind = EDGE_KINDS.find((k) => k.id === id)!;
  return (
    <svg width="34" height="12" viewBox="0 0 34 12" aria-hidden="true">
      <line x1="1" y1="6" x2={kind.marker === "dot" ? 27 : 26} y2="6" stroke={kind.color} strokeWidth="2" strokeDasharray={kind.dash || undefined} />
      {kind.marker === "dot" ? (
        <circle cx="29" cy="6" r="3.2" fill={kind.color} />
      ) : kind.marker === "arrow-open" ? (
        <path d="M25,2 L32,6 L25,10" fill="none" stroke={kind.color} strokeWidth="1.8" />
      ) : (
        <path d="M25,1.5 L33,6 L25,10.5 Z" fill={kind.color} />
      )}
    </svg>
  );
}

export function Palette() {
  const addNode = useEditor((s) => s.addNode);
  const connectKind = useEditor((s) => s.connectKind);
  const set = useEditor((s) => s.set);
  const readOnly = useEditor((s) => s.readOnly);
  const flow = useReactFlow();

  const onDragStart = (event: DragEvent, kind: string) => {
    event.dataTransfer.setData(PALETTE_MIME, kind);
    event.dataTransfer.effectAllowed = "copy";
  };

  const addAtCentre = (kind: string) => {
    const pane = document.querySelector(".canvas-wrap")?.getBoundingClientRect();
    if (!pane) return;
    const point = flow.screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 });
    addNode(kind, point);
  };

  if (readOnly) {
    return (
      <aside className="palette is-readonly" aria-label="Legend">
        <div className="panel-section">
          <div className="section-title">Stages</div>
          <ul className="legend-list">
            {STAGES.map((stage) => (
              <li key={stage.id}>
                <span className="legend-swatch" style={{ background: stage.color }} />
                {stage.name}
              </li>
            ))}
          </ul>
        </div>
        <div className="panel-section">
          <div className="section-title">Edges</div>
          <ul className="legend-list">
            {EDGE_KINDS.map((kind) => (
              <li key={kind.id}>
                <EdgePreview id={kind.id} />
                {kind.name}
              </li>
            ))}
          </ul>
        </div>
      </aside>
    );
  }

  return (
    <aside className="palette" aria-label="Palette">
      <div className="panel-section">
        <div className="section-title">Steps</div>
        <p className="section-hint">Drag onto a stage lane</p>
        <ul className="palette-list">
          {NODE_KINDS.map((kind) => (
            <li key={kind.id}>
              <button
                type="button"
                className="palette-item"
                draggable
                onDragStart={(event) => onDragStart(event, kind.id)}
                onClick={() => addAtCentre(kind.id)}
                data-kind={kind.id}
                aria-label={`Add ${kind.name}`}
                title={`Drag to a lane, or click to add at the centre`}
              >
                <span className="palette-shape">
                  <KindPreview shape={kind.shape} />
                </span>
                <span className="palette-name">{kind.name}</span>
                <Icon name={kind.icon} size={14} className="palette-icon" />
              </button>
            </li>
          ))}
        </ul>
      </div>
      <div className="panel-section">
        <div className="section-title">Connect with</div>
        <div className="edge-kind-picker" role="radiogroup" aria-label="Edge kind for new connections">
          {EDGE_KINDS.map((kind) => (
            <button
              type="button"
              key={kind.id}
              role="radio"
              aria-checked={connectKind === kind.id}
              className={`edge-kind-option${connectKind === kind.id ? " is-active" : ""}`}
              onClick={() => set({ connectKind: kind.id as EdgeKindId })}
              data-edge-kind={kind.id}
            >
              <EdgePreview id={kind.id} />
              <span>{kind.name}</span>
            </button>
          ))}
        </div>
        <p className="section-hint">Drag from a dot on a step's edge to another step.</p>
      </div>
    </aside>
  );
}

export { EdgePreview };
