// The seven stage swimlanes, drawn behind the nodes in flow coordinates so they pan and zoom
// with the diagram (the server's SVG export uses the same geometry from the theme).
import { useStore as useFlowStore } from "@xyflow/react";
import { memo } from "react";
import { LAYOUT, STAGES } from "../../lib/theme";
import { useEditor } from "../../store/context";
import { Icon } from "../ui/Icon";

const MIN_HEIGHT = 900;

function lanesHeight(nodes: ReadonlyArray<{ position: { y: number }; data: { record: { h: number } } }>): number {
  let bottom = 0;
  for (const node of nodes) bottom = Math.max(bottom, node.position.y + node.data.record.h);
  // Round up so the lanes do not resize on every small drag.
  return Math.max(MIN_HEIGHT, Math.ceil((bottom + 240) / 200) * 200);
}

function LanesInner() {
  const transform = useFlowStore((s) => s.transform);
  const height = useEditor((s) => lanesHeight(s.nodes));
  const [tx, ty, zoom] = transform;
  return (
    <div className="sop-lanes" aria-hidden="true">
      <div className="sop-lanes-inner" style={{ transform: `translate(${tx}px, ${ty}px) scale(${zoom})` }}>
        {STAGES.map((stage, index) => (
          <div
            key={stage.id}
            className={`sop-lane${index % 2 ? " is-odd" : ""}`}
            style={{ left: index * LAYOUT.laneWidth, width: LAYOUT.laneWidth, height, ["--stage" as string]: stage.color, ["--stage-fill" as string]: stage.fill }}
          >
            <div className="sop-lane-header" style={{ height: LAYOUT.laneHeaderHeight }}>
              <span className="sop-lane-icon">
                <Icon name={stage.icon} size={16} strokeWidth={2} />
              </span>
              <span className="sop-lane-text">
                <span className="sop-lane-step">Stage {index + 1}</span>
                <span className="sop-lane-name">{stage.name}</span>
              </span>
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}

export const Lanes = memo(LanesInner);
