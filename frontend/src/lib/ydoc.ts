// The Yjs layout of a diagram, mirrored from apps/diagrams/ydoc.py (the server's copy):
//
//   meta:  Y.Map  title, mode, owner, reviewBy, description, glossary (JSON list), modelVersions
//   nodes: Y.Map  id -> Y.Map {kind, stage, label, description, x, y, w, h, fields: Y.Map}
//   edges: Y.Map  id -> Y.Map {source, target, kind, label}
//
// A node is never one opaque value: a concurrent drag (x, y) and rename (label) must both survive,
// so every write below touches only the keys that change.
import * as Y from "yjs";
import type { DiagramEdge, DiagramMeta, DiagramNode, GlossaryEntry, SopDiagram } from "../api/types";
import { nodeKindOf } from "./theme";

export const META = "meta";
export const NODES = "nodes";
export const EDGES = "edges";
export const FIELDS = "fields";
export const NODE_KEYS = ["kind", "stage", "label", "description", "x", "y", "w", "h"] as const;
export const EDGE_KEYS = ["source", "target", "kind", "label"] as const;
export const META_KEYS = [
  "title",
  "mode",
  "owner",
  "reviewBy",
  "description",
  "glossary",
  "modelVersions",
] as const;
export const SCHEMA_ID = "sop-diagram/1";
export const MODES = ["realtime", "streaming", "batch"] as const;

/** The origin of every transaction this tab makes; the undo manager tracks only this one. */
export const LOCAL_ORIGIN = { name: "local-edit" } as const;

export type FieldValue = string | number | boolean;
export type Mode = DiagramMeta["mode"];
export type { DiagramMeta, GlossaryEntry };

// Kinds and stages are the theme's ids (sop_theme.json, from which the server's enums are made
// too), and the live document holds whatever string a peer wrote: the editor draws an unknown
// one with a fallback instead of trusting the enum. Every other key is the server's, so a key
// the server adds is a type error here until the editor handles it.
type WithThemeIds<T, K extends keyof T> = Omit<T, K> & { [P in K]: string };
export type NodeRecord = WithThemeIds<DiagramNode, "kind" | "stage">;
export type EdgeRecord = WithThemeIds<DiagramEdge, "kind">;
export type DiagramContent = Omit<SopDiagram, "nodes" | "edges"> & { nodes: NodeRecord[]; edges: EdgeRecord[] };

// The key lists above must name every key of the schema's node, edge and meta: a compile error
// here names the key the server added and the editor does not yet copy into the Y document.
type Unlisted<T, Listed> = Exclude<keyof T, Listed>;
export const NODE_KEYS_COMPLETE: [Unlisted<DiagramNode, (typeof NODE_KEYS)[number] | "id" | "fields">] extends [never] ? true : never = true;
export const EDGE_KEYS_COMPLETE: [Unlisted<DiagramEdge, (typeof EDGE_KEYS)[number] | "id">] extends [never] ? true : never = true;
export const META_KEYS_COMPLETE: [Unlisted<DiagramMeta, (typeof META_KEYS)[number]>] extends [never] ? true : never = true;
export const MODES_COMPLETE: [Exclude<Mode, (typeof MODES)[number]>] extends [never] ? true : never = true;

export interface DocRoots {
  meta: Y.Map<unknown>;
  nodes: Y.Map<Y.Map<unknown>>;
  edges: Y.Map<Y.Map<unknown>>;
}

export function docRoots(doc: Y.Doc): DocRoots {
  return {
    meta: doc.getMap<unknown>(META),
    nodes: doc.getMap<Y.Map<unknown>>(NODES),
    edges: doc.getMap<Y.Map<unknown>>(EDGES),
  };
}

function text(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : fallback;
}

function num(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

function plain(value: unknown): unknown {
  if (value instanceof Y.AbstractType) return value.toJSON();
  return value;
}

export function emptyMeta(): DiagramMeta {
  return {
    title: "Untitled SOP",
    mode: "realtime",
    owner: "",
    reviewBy: "",
    description: "",
    glossary: [],
    modelVersions: [],
  };
}

export function readMeta(meta: Y.Map<unknown>): DiagramMeta {
  const base = emptyMeta();
  const mode = meta.get("mode");
  const glossary = plain(meta.get("glossary"));
  const versions = plain(meta.get("modelVersions"));
  return {
    title: text(meta.get("title"), base.title),
    mode: (MODES as readonly string[]).includes(mode as string) ? (mode as Mode) : base.mode,
    owner: text(meta.get("owner")),
    reviewBy: text(meta.get("reviewBy")),
    description: text(meta.get("description")),
    glossary: Array.isArray(glossary)
      ? glossary
          .filter((entry): entry is GlossaryEntry => typeof entry?.term === "string")
          .map((entry) => ({ term: entry.term, definition: text(entry.definition) }))
      : [],
    modelVersions: Array.isArray(versions)
      ? versions.filter((v): v is string => typeof v === "string")
      : [],
  };
}

export function readNode(id: string, node: Y.Map<unknown>): NodeRecord {
  const kind = text(node.get("kind"), "process");
  const defaults = nodeKindOf(kind);
  const fieldsValue = node.get(FIELDS);
  const fields: Record<string, FieldValue> = {};
  if (fieldsValue instanceof Y.Map) {
    fieldsValue.forEach((value, key) => {
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
        fields[key] = value;
      }
    });
  }
  return {
    id,
    kind,
    stage: text(node.get("stage"), "trigger"),
    label: text(node.get("label")),
    description: text(node.get("description")),
    x: num(node.get("x"), 0),
    y: num(node.get("y"), 0),
    w: num(node.get("w"), defaults.w),
    h: num(node.get("h"), defaults.h),
    fields,
  };
}

export function readEdge(id: string, edge: Y.Map<unknown>): EdgeRecord {
  return {
    id,
    source: text(edge.get("source")),
    target: text(edge.get("target")),
    kind: text(edge.get("kind"), "flow"),
    label: text(edge.get("label")),
  };
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The document as `sop-diagram/1` JSON, elements ordered by id like the server's projection. */
export function docToContent(doc: Y.Doc): DiagramContent {
  const roots = docRoots(doc);
  const nodes: NodeRecord[] = [];
  roots.nodes.forEach((value, id) => {
    if (value instanceof Y.Map) nodes.push(readNode(id, value));
  });
  const edges: EdgeRecord[] = [];
  roots.edges.forEach((value, id) => {
    if (value instanceof Y.Map) edges.push(readEdge(id, value));
  });
  return { schema: SCHEMA_ID, meta: readMeta(roots.meta), nodes: nodes.sort(byId), edges: edges.sort(byId) };
}

function sameValue(current: unknown, wanted: unknown): boolean {
  if (current instanceof Y.AbstractType) return false;
  if (typeof wanted === "object" && wanted !== null) {
    return JSON.stringify(current) === JSON.stringify(wanted);
  }
  return current === wanted;
}

/** Set only what differs, so unchanged keys keep their Yjs items (and their concurrent edits). */
function syncMap(target: Y.Map<unknown>, wanted: Record<string, unknown>, keys?: readonly string[]) {
  for (const key of keys ?? Object.keys(wanted)) {
    if (!(key in wanted)) continue;
    const value = wanted[key];
    if (value === undefined) continue;
    if (!target.has(key) || !sameValue(target.get(key), value)) target.set(key, value);
  }
}

export function nodeToYMap(node: NodeRecord): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const key of NODE_KEYS) map.set(key, node[key]);
  const fields = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(node.fields)) fields.set(key, value);
  map.set(FIELDS, fields);
  return map;
}

export function edgeToYMap(edge: EdgeRecord): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const key of EDGE_KEYS) map.set(key, edge[key]);
  return map;
}

/**
 * Make the document equal to `content` in one forward transaction, touching only what differs
 * (the same contract as the server's doc_make_equal).
 */
export function docMakeEqual(doc: Y.Doc, content: DiagramContent, origin: unknown = LOCAL_ORIGIN) {
  const roots = docRoots(doc);
  doc.transact(() => {
    const meta = content.meta as unknown as Record<string, unknown>;
    syncMap(roots.meta, meta, META_KEYS);
    const wantedNodes = new Map(content.nodes.map((node) => [node.id, node]));
    const wantedEdges = new Map(content.edges.map((edge) => [edge.id, edge]));
    for (const id of [...roots.edges.keys()]) if (!wantedEdges.has(id)) roots.edges.delete(id);
    for (const id of [...roots.nodes.keys()]) if (!wantedNodes.has(id)) roots.nodes.delete(id);
    for (const [id, node] of wantedNodes) {
      const current = roots.nodes.get(id);
      if (!(current instanceof Y.Map)) {
        roots.nodes.set(id, nodeToYMap(node));
        continue;
      }
      syncMap(current, node as unknown as Record<string, unknown>, NODE_KEYS);
      const fields = current.get(FIELDS);
      if (fields instanceof Y.Map) {
        syncMap(fields, node.fields);
        for (const key of [...fields.keys()]) if (!(key in node.fields)) fields.delete(key);
      } else {
        const map = new Y.Map<unknown>();
        for (const [key, value] of Object.entries(node.fields)) map.set(key, value);
        current.set(FIELDS, map);
      }
    }
    for (const [id, edge] of wantedEdges) {
      const current = roots.edges.get(id);
      if (!(current instanceof Y.Map)) roots.edges.set(id, edgeToYMap(edge));
      else syncMap(current, edge as unknown as Record<string, unknown>, EDGE_KEYS);
    }
  }, origin);
}

// ---- Edits the editor makes. Each is one transaction with the local origin. ----

export function addElements(
  doc: Y.Doc,
  nodes: readonly NodeRecord[],
  edges: readonly EdgeRecord[] = [],
  origin: unknown = LOCAL_ORIGIN,
) {
  const roots = docRoots(doc);
  doc.transact(() => {
    for (const node of nodes) roots.nodes.set(node.id, nodeToYMap(node));
    for (const edge of edges) {
      if (roots.nodes.has(edge.source) && roots.nodes.has(edge.target)) {
        roots.edges.set(edge.id, edgeToYMap(edge));
      }
    }
  }, origin);
}

export type NodePatch = Partial<Omit<NodeRecord, "id" | "fields">>;
export type EdgePatch = Partial<Omit<EdgeRecord, "id">>;

export function updateNode(doc: Y.Doc, id: string, patch: NodePatch, origin: unknown = LOCAL_ORIGIN) {
  const node = docRoots(doc).nodes.get(id);
  if (!(node instanceof Y.Map)) return;
  doc.transact(() => syncMap(node, patch as Record<string, unknown>), origin);
}

export function updateEdge(doc: Y.Doc, id: string, patch: EdgePatch, origin: unknown = LOCAL_ORIGIN) {
  const edge = docRoots(doc).edges.get(id);
  if (!(edge instanceof Y.Map)) return;
  doc.transact(() => syncMap(edge, patch as Record<string, unknown>), origin);
}

/** Set one structured field; an empty value removes the key (the JSON keeps no blanks). */
export function setNodeField(
  doc: Y.Doc,
  id: string,
  key: string,
  value: FieldValue | null,
  origin: unknown = LOCAL_ORIGIN,
) {
  const node = docRoots(doc).nodes.get(id);
  if (!(node instanceof Y.Map)) return;
  doc.transact(() => {
    let fields = node.get(FIELDS);
    if (!(fields instanceof Y.Map)) {
      fields = new Y.Map<unknown>();
      node.set(FIELDS, fields);
    }
    const map = fields as Y.Map<unknown>;
    if (value === null || value === "") map.delete(key);
    else if (map.get(key) !== value) map.set(key, value);
  }, origin);
}

export function moveNodes(
  doc: Y.Doc,
  positions: ReadonlyArray<{ id: string; x: number; y: number; stage?: string }>,
  origin: unknown = LOCAL_ORIGIN,
) {
  const nodes = docRoots(doc).nodes;
  doc.transact(() => {
    for (const { id, x, y, stage } of positions) {
      const node = nodes.get(id);
      if (!(node instanceof Y.Map)) continue;
      const rx = Math.round(x * 100) / 100;
      const ry = Math.round(y * 100) / 100;
      if (node.get("x") !== rx) node.set("x", rx);
      if (node.get("y") !== ry) node.set("y", ry);
      if (stage !== undefined && node.get("stage") !== stage) node.set("stage", stage);
    }
  }, origin);
}

/** Delete nodes and edges; edges attached to a deleted node go with it. */
export function deleteElements(
  doc: Y.Doc,
  nodeIds: readonly string[],
  edgeIds: readonly string[],
  origin: unknown = LOCAL_ORIGIN,
) {
  const roots = docRoots(doc);
  const doomed = new Set(nodeIds);
  doc.transact(() => {
    for (const id of edgeIds) roots.edges.delete(id);
    roots.edges.forEach((edge, id) => {
      if (doomed.has(text(edge.get("source"))) || doomed.has(text(edge.get("target")))) {
        roots.edges.delete(id);
      }
    });
    for (const id of nodeIds) roots.nodes.delete(id);
  }, origin);
}

export function updateMeta(
  doc: Y.Doc,
  patch: Partial<DiagramMeta>,
  origin: unknown = LOCAL_ORIGIN,
) {
  const meta = docRoots(doc).meta;
  doc.transact(() => syncMap(meta, patch as Record<string, unknown>), origin);
}

export function normaliseContent(raw: unknown): DiagramContent {
  const source = (raw ?? {}) as Partial<DiagramContent>;
  const doc = new Y.Doc();
  docMakeEqual(
    doc,
    {
      schema: SCHEMA_ID,
      meta: { ...emptyMeta(), ...(source.meta ?? {}) },
      nodes: (source.nodes ?? []).map((node) => ({
        ...node,
        label: node.label ?? "",
        description: node.description ?? "",
        fields: node.fields ?? {},
        w: node.w ?? nodeKindOf(node.kind).w,
        h: node.h ?? nodeKindOf(node.kind).h,
      })),
      edges: (source.edges ?? []).map((edge) => ({ ...edge, kind: edge.kind ?? "flow", label: edge.label ?? "" })),
    },
    null,
  );
  return docToContent(doc);
}
