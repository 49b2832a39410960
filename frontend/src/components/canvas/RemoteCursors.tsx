import { ViewportPortal, useStore as useFlowStore } from "@xyflow/react";
import { memo } from "react";
import { useEditor } from "../../store/context";

/** Other people's pointers, placed in flow coordinates and kept the same size at any zoom. */
function RemoteCursorsInner() {
  const cursors = useEditor((s) => s.cursors);
  const zoom = useFlowStore((s) => s.transform[2]);
  if (cursors.length === 0) return null;
  return (
    <ViewportPortal>
      {cursors.map((cursor) => (
        <div
          key={cursor.clientId}
          className="remote-cursor"
          data-peer={cursor.name}
          style={{ transform: `translate(${cursor.x}px, ${cursor.y}px) scale(${1 / zoom})`, color: cursor.color }}
        >
          <svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true">
            <path d="M2 1.5 15.5 8 9 9.6 6.4 16z" fill="currentColor" stroke="#fff" strokeWidth="1.4" strokeLinejoin="round" />
          </svg>
          <span className="remote-cursor-name" style={{ background: cursor.color }}>
            {cursor.name}
          </span>
        </div>
      ))}
    </ViewportPortal>
  );
}

export const RemoteCursors = memo(RemoteCursorsInner);
