// Arrowheads for every edge kind (and for the diff colours), defined once per canvas.
import { DIFF_COLOURS, type ChangeKind } from "../../lib/diff";
import { EDGE_KINDS } from "../../lib/theme";

export function markerId(marker: string, colourKey: string): string {
  return `sop-m-${marker}-${colourKey}`;
}

function Marker({ id, marker, colour }: { id: string; marker: string; colour: string }) {
  if (marker === "dot") {
    return (
      <marker id={id} viewBox="0 0 10 10" refX="5" refY="5" markerWidth="7" markerHeight="7" orient="auto">
        <circle cx="5" cy="5" r="4" fill={colour} />
      </marker>
    );
  }
  if (marker === "arrow-open") {
    return (
      <marker id={id} viewBox="0 0 12 12" refX="10" refY="6" markerWidth="11" markerHeight="11" orient="auto-start-reverse">
        <path d="M1,1 L10,6 L1,11" fill="none" stroke={colour} strokeWidth="1.8" strokeLinejoin="round" strokeLinecap="round" />
      </marker>
    );
  }
  return (
    <marker id={id} viewBox="0 0 12 12" refX="10" refY="6" markerWidth="10" markerHeight="10" orient="auto-start-reverse">
      <path d="M1,1 L11,6 L1,11 Z" fill={colour} />
    </marker>
  );
}

export function EdgeMarkers() {
  const diffKinds: ChangeKind[] = ["added", "removed", "changed", "moved"];
  const markers = new Set(EDGE_KINDS.map((kind) => kind.marker));
  return (
    <svg className="sop-markers" aria-hidden="true" width="0" height="0">
      <defs>
        {EDGE_KINDS.map((kind) => (
          <Marker key={kind.id} id={markerId(kind.marker, kind.id)} marker={kind.marker} colour={kind.color} />
        ))}
        {[...markers].flatMap((marker) =>
          diffKinds.map((diff) => (
            <Marker key={`${marker}-${diff}`} id={markerId(marker, diff)} marker={marker} colour={DIFF_COLOURS[diff].stroke} />
          )),
        )}
      </defs>
    </svg>
  );
}
