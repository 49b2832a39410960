// Pure mapping between document records and React Flow nodes and edges. Unchanged records keep
// their React Flow objects, so memoised node components skip re-rendering on unrelated Y events.
import type { Edge, Node } from "@xyflow/react";
import type { DiffStatus } from "./diff";
import type { EdgeRecord, NodeRecord } from "./ydoc";

export interface SopNodeData extends Record<string, unknown> {
  record: NodeRecord;
  /** Set only in the version diff view. */
  diff?: DiffStatus;
}

export interface SopEdgeData extends Record<string, unknown> {
  record: EdgeRecord;
  diff?: DiffStatus;
}

export type SopNode = Node<SopNodeData>;
export type SopEdge = Edge<SopEdgeData>;

export const EDGE_TYPE = "sop";

export function sameRecord<T extends object>(a: T, b: T): boolean {
  if (a === b) return true;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  for (const key of keys) {
    const l = left[key];
    const r = right[key];
    if (l === r) continue;
    if (typeof l === "object" && l !== null && typeof r === "object" && r !== null) {
      if (!sameRecord(l, r)) return false;
    } else return false;
  }
  return true;
}

export function toFlowNode(record: NodeRecord, previous?: SopNode, diff?: DiffStatus): SopNode {
  if (
    previous &&
    previous.data.diff === diff &&
    sameRecord(previous.data.record, record)
  ) {
    return previous;
  }
  return {
    id: record.id,
    type: record.kind,
    position: { x: record.x, y: record.y },
    width: record.w,
    height: record.h,
    data: diff ? { record, diff } : { record },
    selected: previous?.selected ?? false,
    dragging: previous?.dragging ?? false,
    zIndex: record.kind === "note" ? 0 : 1,
  };
}

export function toFlowEdge(record: EdgeRecord, previous?: SopEdge, diff?: DiffStatus): SopEdge {
  if (previous && previous.data?.diff === diff && previous.data && sameRecord(previous.data.record, record)) {
    return previous;
  }
  return {
    id: record.id,
    type: EDGE_TYPE,
    source: record.source,
    target: record.target,
    data: diff ? { record, diff } : { record },
    selected: previous?.selected ?? false,
  };
}

/**
 * Apply a batch of record changes (null = deleted) to the current node list, keeping the order
 * of existing nodes, appending new ones, and reusing every untouched node object.
 * `pinned` ids keep their current position (the local user is dragging them).
 */
export function patchNodes(
  current: readonly SopNode[],
  changes: ReadonlyMap<string, NodeRecord | null>,
  pinned: ReadonlySet<string> = new Set(),
): SopNode[] {
  if (changes.size === 0) return current as SopNode[];
  const next: SopNode[] = [];
  const seen = new Set<string>();
  for (const node of current) {
    seen.add(node.id);
    if (!changes.has(node.id)) {
      next.push(node);
      continue;
    }
    const record = changes.get(node.id);
    if (!record) continue;
    const mapped = toFlowNode(record, node);
    next.push(
      pinned.has(node.id) && mapped !== node ? { ...mapped, position: node.position } : mapped,
    );
  }
  for (const [id, record] of changes) {
    if (record && !seen.has(id)) next.push(toFlowNode(record));
  }
  return next;
}

export function patchEdges(
  current: readonly SopEdge[],
  changes: ReadonlyMap<string, EdgeRecord | null>,
): SopEdge[] {
  if (changes.size === 0) return current as SopEdge[];
  const next: SopEdge[] = [];
  const seen = new Set<string>();
  for (const edge of current) {
    seen.add(edge.id);
    if (!changes.has(edge.id)) {
      next.push(edge);
      continue;
    }
    const record = changes.get(edge.id);
    if (record) next.push(toFlowEdge(record, edge));
  }
  for (const [id, record] of changes) {
    if (record && !seen.has(id)) next.push(toFlowEdge(record));
  }
  return next;
}

/** Selected ids from a node or edge list. */
export function selectedIds(items: ReadonlyArray<{ id: string; selected?: boolean }>): string[] {
  const ids: string[] = [];
  for (const item of items) if (item.selected) ids.push(item.id);
  return ids;
}
