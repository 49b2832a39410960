// Where an edge leaves and enters a node: the side facing the other node, at its midpoint.
// Edges carry no handle ids in the document, so the route follows the nodes as they move.
export type Side = "top" | "right" | "bottom" | "left";

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function facingSides(source: Rect, target: Rect): { from: Side; to: Side } {
  const sx = source.x + source.w / 2;
  const sy = source.y + source.h / 2;
  const tx = target.x + target.w / 2;
  const ty = target.y + target.h / 2;
  const dx = tx - sx;
  const dy = ty - sy;
  // Prefer horizontal routes (lanes run left to right) unless the target is clearly above/below.
  const horizontalGap = Math.abs(dx) - (source.w + target.w) / 2;
  if (horizontalGap > 10 || Math.abs(dx) > Math.abs(dy) * 1.2) {
    return dx >= 0 ? { from: "right", to: "left" } : { from: "left", to: "right" };
  }
  return dy >= 0 ? { from: "bottom", to: "top" } : { from: "top", to: "bottom" };
}

export function sidePoint(rect: Rect, side: Side): { x: number; y: number } {
  switch (side) {
    case "top":
      return { x: rect.x + rect.w / 2, y: rect.y };
    case "bottom":
      return { x: rect.x + rect.w / 2, y: rect.y + rect.h };
    case "left":
      return { x: rect.x, y: rect.y + rect.h / 2 };
    default:
      return { x: rect.x + rect.w, y: rect.y + rect.h / 2 };
  }
}

/** Where along its side an edge end sits, as an offset from the side's midpoint. */
export type PortOffsets = Map<string, readonly [number, number]>;

const PORT_SPACING = 18;

/**
 * Spread the edges that leave or enter the same side of a node along that side, ordered by
 * where their other end is, so parallel edges do not draw on top of each other.
 */
export function portOffsets(
  rects: ReadonlyMap<string, Rect>,
  edges: ReadonlyArray<{ id: string; source: string; target: string }>,
  previous?: PortOffsets,
): PortOffsets {
  const groups = new Map<string, Array<{ edge: string; end: 0 | 1; along: number }>>();
  for (const edge of edges) {
    const s = rects.get(edge.source);
    const t = rects.get(edge.target);
    if (!s || !t) continue;
    const sides = facingSides(s, t);
    const ends: Array<[string, Side, Rect, 0 | 1]> = [
      [edge.source, sides.from, t, 0],
      [edge.target, sides.to, s, 1],
    ];
    for (const [nodeId, side, other, end] of ends) {
      const key = `${nodeId}|${side}`;
      const along = side === "top" || side === "bottom" ? other.x + other.w / 2 : other.y + other.h / 2;
      const list = groups.get(key) ?? [];
      list.push({ edge: edge.id, end, along });
      groups.set(key, list);
    }
  }
  const offsets = new Map<string, [number, number]>();
  for (const [key, list] of groups) {
    const [nodeId, side] = key.split("|") as [string, Side];
    const rect = rects.get(nodeId)!;
    const length = side === "top" || side === "bottom" ? rect.w : rect.h;
    const spacing = Math.min(PORT_SPACING, length / (list.length + 1));
    list.sort((a, b) => a.along - b.along || (a.edge < b.edge ? -1 : 1));
    list.forEach((item, index) => {
      const value = (index - (list.length - 1) / 2) * spacing;
      const pair = offsets.get(item.edge) ?? [0, 0];
      pair[item.end] = Math.round(value * 10) / 10;
      offsets.set(item.edge, pair);
    });
  }
  // Keep unchanged pairs identical so edges that did not move skip re-rendering.
  const result: PortOffsets = new Map();
  for (const [id, pair] of offsets) {
    const before = previous?.get(id);
    result.set(id, before && before[0] === pair[0] && before[1] === pair[1] ? before : pair);
  }
  return result;
}

export function offsetPoint(point: { x: number; y: number }, side: Side, offset: number) {
  return side === "top" || side === "bottom" ? { x: point.x + offset, y: point.y } : { x: point.x, y: point.y + offset };
}
