// "Tidy up": elkjs orders the graph (layered, left to right, one partition per stage so lanes
// keep their order), then every step is put back into its own stage lane and stacked without
// overlaps in the order ELK chose.
import { LAYOUT, STAGES, stageIndex } from "./theme";
import type { EdgeRecord, NodeRecord } from "./ydoc";
import { snap } from "./geometry";

export interface Placement {
  id: string;
  x: number;
  y: number;
}

const GAP_Y = 50;
const TOP = LAYOUT.laneHeaderHeight + 40;

/**
 * Fit ELK's suggested positions into the stage lanes: x centred in the node's lane, y in ELK's
 * vertical order (ties broken by ELK's x), stacked with a gap so nothing overlaps.
 */
export function fitToLanes(
  nodes: readonly NodeRecord[],
  suggested: ReadonlyMap<string, { x: number; y: number }>,
): Placement[] {
  const byLane = new Map<number, NodeRecord[]>();
  for (const node of nodes) {
    const lane = stageIndex(node.stage);
    const list = byLane.get(lane) ?? [];
    list.push(node);
    byLane.set(lane, list);
  }
  // ELK's coordinates start wherever its layering put the first node: measure from the top.
  let minY = Number.POSITIVE_INFINITY;
  for (const point of suggested.values()) minY = Math.min(minY, point.y);
  if (!Number.isFinite(minY)) minY = 0;
  const placements: Placement[] = [];
  for (const [lane, members] of byLane) {
    const ordered = [...members].sort((a, b) => {
      const pa = suggested.get(a.id) ?? { x: a.x, y: a.y };
      const pb = suggested.get(b.id) ?? { x: b.x, y: b.y };
      return pa.y - pb.y || pa.x - pb.x || (a.id < b.id ? -1 : 1);
    });
    let cursor = TOP;
    for (const node of ordered) {
      const wanted = (suggested.get(node.id)?.y ?? node.y) - minY;
      const y = snap(Math.max(cursor, TOP + wanted));
      const x = snap(lane * LAYOUT.laneWidth + (LAYOUT.laneWidth - node.w) / 2);
      placements.push({ id: node.id, x, y });
      cursor = y + node.h + GAP_Y;
    }
  }
  return placements.sort((a, b) => (a.id < b.id ? -1 : 1));
}

interface ElkNode {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  layoutOptions?: Record<string, string>;
  children?: ElkNode[];
  edges?: Array<{ id: string; sources: string[]; targets: string[] }>;
}

/** Run ELK (loaded on first use) and fit the result into the lanes. */
export async function tidyLayout(
  nodes: readonly NodeRecord[],
  edges: readonly EdgeRecord[],
): Promise<Placement[]> {
  const { default: ELK } = await import("elkjs/lib/elk.bundled.js");
  const elk = new ELK();
  const ids = new Set(nodes.map((node) => node.id));
  const graph: ElkNode = {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.partitioning.activate": "true",
      "elk.layered.spacing.nodeNodeBetweenLayers": "80",
      "elk.spacing.nodeNode": String(GAP_Y),
      "elk.layered.crossingMinimization.strategy": "LAYER_SWEEP",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
    },
    children: nodes.map((node) => ({
      id: node.id,
      width: node.w,
      height: node.h,
      layoutOptions: { "elk.partitioning.partition": String(stageIndex(node.stage)) },
    })),
    edges: edges
      .filter((edge) => ids.has(edge.source) && ids.has(edge.target) && edge.source !== edge.target)
      .map((edge) => ({ id: edge.id, sources: [edge.source], targets: [edge.target] })),
  };
  const result = (await elk.layout(graph as never)) as unknown as ElkNode;
  const suggested = new Map<string, { x: number; y: number }>();
  for (const child of result.children ?? []) suggested.set(child.id, { x: child.x ?? 0, y: child.y ?? 0 });
  return fitToLanes(nodes, suggested);
}

export const STAGE_COUNT = STAGES.length;
