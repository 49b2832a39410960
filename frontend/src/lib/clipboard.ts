// Copy and paste: a selection becomes a small self-contained fragment; pasting gives every
// element a new id, keeps the edges between copied steps and offsets the copies.
import { newId } from "./ids";
import type { EdgeRecord, NodeRecord } from "./ydoc";

export const CLIPBOARD_MIME = "application/x-sop-fragment";

export interface Fragment {
  kind: "sop-fragment/1";
  nodes: NodeRecord[];
  edges: EdgeRecord[];
}

export function fragmentFrom(
  nodes: readonly NodeRecord[],
  edges: readonly EdgeRecord[],
  selectedNodeIds: ReadonlySet<string>,
): Fragment {
  const picked = nodes.filter((node) => selectedNodeIds.has(node.id));
  const ids = new Set(picked.map((node) => node.id));
  return {
    kind: "sop-fragment/1",
    nodes: picked.map((node) => ({ ...node, fields: { ...node.fields } })),
    edges: edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target)).map((e) => ({ ...e })),
  };
}

export function parseFragment(text: string): Fragment | null {
  try {
    const value = JSON.parse(text) as Partial<Fragment>;
    if (value.kind !== "sop-fragment/1" || !Array.isArray(value.nodes) || !Array.isArray(value.edges)) {
      return null;
    }
    return value as Fragment;
  } catch {
    return null;
  }
}

export function instantiateFragment(
  fragment: Fragment,
  offset: { x: number; y: number },
  makeId: (prefix: string) => string = (prefix) => newId(prefix),
): { nodes: NodeRecord[]; edges: EdgeRecord[] } {
  const mapping = new Map<string, string>();
  const nodes = fragment.nodes.map((node) => {
    const id = makeId("n");
    mapping.set(node.id, id);
    return { ...node, id, x: node.x + offset.x, y: node.y + offset.y, fields: { ...node.fields } };
  });
  const edges: EdgeRecord[] = [];
  for (const edge of fragment.edges) {
    const source = mapping.get(edge.source);
    const target = mapping.get(edge.target);
    if (source && target) edges.push({ ...edge, id: makeId("e"), source, target });
  }
  return { nodes, edges };
}
