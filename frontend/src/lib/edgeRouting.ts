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
