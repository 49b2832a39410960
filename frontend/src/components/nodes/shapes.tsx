// The outline of each node shape, drawn to fill the node's box.
import type { NodeShape } from "../../lib/theme";

export function shapePath(shape: NodeShape | string, w: number, h: number): string {
  const i = 1; // inset so the stroke is not clipped
  const W = w - i;
  const H = h - i;
  switch (shape) {
    case "pill": {
      const r = Math.min(h / 2, w / 2) - i;
      return `M${i + r},${i} H${W - r} A${r},${r} 0 0 1 ${W - r},${H} H${i + r} A${r},${r} 0 0 1 ${i + r},${i} Z`;
    }
    case "diamond":
      return `M${w / 2},${i} L${W},${h / 2} L${w / 2},${H} L${i},${h / 2} Z`;
    case "parallelogram": {
      const s = Math.min(18, w / 6);
      return `M${i + s},${i} H${W} L${W - s},${H} H${i} Z`;
    }
    case "octagon": {
      const c = Math.min(16, h / 3.5);
      return `M${i + c},${i} H${W - c} L${W},${i + c} V${H - c} L${W - c},${H} H${i + c} L${i},${H - c} V${i + c} Z`;
    }
    case "note": {
      const f = 16;
      return `M${i},${i} H${W - f} L${W},${i + f} V${H} H${i} Z M${W - f},${i} V${i + f} H${W}`;
    }
    case "circle": {
      const rx = w / 2 - i;
      const ry = h / 2 - i;
      return `M${w / 2 - rx},${h / 2} A${rx},${ry} 0 1 0 ${w / 2 + rx},${h / 2} A${rx},${ry} 0 1 0 ${w / 2 - rx},${h / 2} Z`;
    }
    case "cylinder": {
      const e = Math.min(10, h / 6);
      return `M${i},${i + e} A${w / 2 - i},${e} 0 0 1 ${W},${i + e} V${H - e} A${w / 2 - i},${e} 0 0 1 ${i},${H - e} Z`;
    }
    default: {
      const r = 8;
      return `M${i + r},${i} H${W - r} Q${W},${i} ${W},${i + r} V${H - r} Q${W},${H} ${W - r},${H} H${i + r} Q${i},${H} ${i},${H - r} V${i + r} Q${i},${i} ${i + r},${i} Z`;
    }
  }
}

/** The extra line a cylinder shows (its top rim). */
export function shapeDetail(shape: NodeShape | string, w: number): string | null {
  if (shape !== "cylinder") return null;
  const e = 10;
  return `M1,${1 + e} A${w / 2 - 1},${e} 0 0 0 ${w - 1},${1 + e}`;
}
