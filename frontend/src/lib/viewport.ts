// The "zoom to fit" the editor uses: the whole diagram with its lane headers in view, centred
// horizontally and aligned to the top (a wide diagram should not float in the middle).
import { LANES_WIDTH } from "./theme";

interface Positioned {
  position: { x: number; y: number };
  width?: number;
  height?: number;
}

export function contentBounds(nodes: readonly Positioned[]) {
  let minX = 0;
  let maxX = LANES_WIDTH;
  let maxY = 400;
  for (const node of nodes) {
    minX = Math.min(minX, node.position.x);
    maxX = Math.max(maxX, node.position.x + (node.width ?? 0));
    maxY = Math.max(maxY, node.position.y + (node.height ?? 0) + 40);
  }
  return { x: minX, y: 0, width: maxX - minX, height: maxY };
}

export function fitLanesViewport(
  nodes: readonly Positioned[],
  pane: { width: number; height: number },
  options: { padding?: number; maxZoom?: number; minZoom?: number } = {},
) {
  const padding = options.padding ?? 24;
  const bounds = contentBounds(nodes);
  const zoom = Math.max(
    options.minZoom ?? 0.1,
    Math.min(
      options.maxZoom ?? 1,
      (pane.width - padding * 2) / bounds.width,
      (pane.height - padding * 2) / bounds.height,
    ),
  );
  const x = (pane.width - bounds.width * zoom) / 2 - bounds.x * zoom;
  const y = padding - bounds.y * zoom;
  return { x, y, zoom };
}
