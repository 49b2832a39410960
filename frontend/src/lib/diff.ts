// Visual diff: which element is added, removed, changed or moved between two documents, and a
// combined document that shows removed elements as ghosts beside the newer content.
import type { DiagramContent, EdgeRecord, NodeRecord } from "./ydoc";

export type ChangeKind = "added" | "removed" | "changed" | "moved";
export type DiffStatus = ChangeKind | "unchanged";

export interface FieldChange {
  field: string;
  old: unknown;
  new: unknown;
}

export interface DiffChange {
  element: "node" | "edge" | "meta";
  id: string;
  change: ChangeKind;
  summary: string;
  fields: FieldChange[];
}

export interface DiffResult {
  from: number;
  to: number | "live";
  counts: Record<ChangeKind, number>;
  changes: DiffChange[];
}

export const DIFF_COLOURS: Record<DiffStatus, { stroke: string; fill: string; label: string }> = {
  added: { stroke: "#16a34a", fill: "#dcfce7", label: "Added" },
  removed: { stroke: "#dc2626", fill: "#fee2e2", label: "Removed" },
  changed: { stroke: "#d97706", fill: "#fef3c7", label: "Changed" },
  moved: { stroke: "#2563eb", fill: "#dbeafe", label: "Moved" },
  unchanged: { stroke: "#94a3b8", fill: "#f8fafc", label: "Unchanged" },
};

// A node can be both changed and moved; what it says matters more than where it sits.
const PRIORITY: Record<DiffStatus, number> = {
  added: 4,
  removed: 4,
  changed: 3,
  moved: 2,
  unchanged: 0,
};

export interface DiffStatusMaps {
  nodes: Map<string, DiffStatus>;
  edges: Map<string, DiffStatus>;
  metaChanged: boolean;
}

export function diffStatusMaps(changes: readonly DiffChange[]): DiffStatusMaps {
  const nodes = new Map<string, DiffStatus>();
  const edges = new Map<string, DiffStatus>();
  let metaChanged = false;
  for (const change of changes) {
    if (change.element === "meta") {
      metaChanged = true;
      continue;
    }
    const target = change.element === "node" ? nodes : edges;
    const current = target.get(change.id) ?? "unchanged";
    if (PRIORITY[change.change] > PRIORITY[current]) target.set(change.id, change.change);
  }
  return { nodes, edges, metaChanged };
}

export interface DiffNode {
  record: NodeRecord;
  status: DiffStatus;
}

export interface DiffEdge {
  record: EdgeRecord;
  status: DiffStatus;
}

/**
 * The newer document's elements with their status, plus the older document's removed elements
 * (status "removed") so the canvas can draw them as ghosts where they used to be.
 */
export function diffDisplay(
  older: DiagramContent,
  newer: DiagramContent,
  changes: readonly DiffChange[],
): { nodes: DiffNode[]; edges: DiffEdge[] } {
  const maps = diffStatusMaps(changes);
  const newerNodeIds = new Set(newer.nodes.map((node) => node.id));
  const newerEdgeIds = new Set(newer.edges.map((edge) => edge.id));
  const nodes: DiffNode[] = newer.nodes.map((record) => ({
    record,
    status: maps.nodes.get(record.id) ?? "unchanged",
  }));
  for (const record of older.nodes) {
    if (!newerNodeIds.has(record.id)) nodes.push({ record, status: "removed" });
  }
  const edges: DiffEdge[] = newer.edges.map((record) => ({
    record,
    status: maps.edges.get(record.id) ?? "unchanged",
  }));
  for (const record of older.edges) {
    if (!newerEdgeIds.has(record.id)) edges.push({ record, status: "removed" });
  }
  return { nodes, edges };
}

export function countsLine(counts: Record<ChangeKind, number>): string {
  const parts = (["added", "removed", "changed", "moved"] as const)
    .filter((kind) => counts[kind] > 0)
    .map((kind) => `${counts[kind]} ${kind}`);
  return parts.length ? parts.join(", ") : "No differences";
}
