// Change sets (a lint fix, later an AI edit) applied to the live document. The operations and
// their semantics are the server's (apps/assistant/changeset.py): the whole set is checked
// against the document first, and either every operation lands in ONE transaction with the
// local origin (one undo step, carried to the server by the websocket like any edit) or none
// does. Nothing the change set does not name is touched; removing a node does not remove its
// edges, the change set must name them too.
//
// The server validates every update it receives and repairs what the schema refuses, so the
// checks here are the ones a user would otherwise see as a half-applied fix: ids, ends, keys
// and value types.
import * as Y from "yjs";
import { FIELDS as FIELD_SPECS, LIMITS, isEdgeKindId, isNodeKindId, isStageId, nodeKindOf } from "./theme";
import {
  EDGE_KEYS,
  FIELDS,
  LOCAL_ORIGIN,
  META_KEYS,
  NODE_KEYS,
  docRoots,
  edgeToYMap,
  nodeToYMap,
  type EdgeRecord,
  type FieldValue,
  type NodeRecord,
} from "./ydoc";

type NodeKey = (typeof NODE_KEYS)[number] | "fields";
type EdgeKey = (typeof EDGE_KEYS)[number];
type MetaKey = (typeof META_KEYS)[number];

export type ChangeOperation =
  | { op: "add_node"; node: NodeRecord }
  | { op: "update_node"; id: string; set: Partial<Record<NodeKey, unknown>> }
  | { op: "remove_node"; id: string }
  | { op: "add_edge"; edge: EdgeRecord }
  | { op: "update_edge"; id: string; set: Partial<Record<EdgeKey, unknown>> }
  | { op: "remove_edge"; id: string }
  | { op: "set_field"; id: string; key: string; value: FieldValue | null }
  | { op: "set_meta"; key: MetaKey; value: unknown };

export type ChangeSetResult = { ok: true; operations: number } | { ok: false; message: string; index: number };

class Refused extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(`changes[${index}]${message}`);
  }
}

const NODE_KEY_SET = new Set<string>([...NODE_KEYS, "fields"]);
const EDGE_KEY_SET = new Set<string>(EDGE_KEYS);
const META_KEY_SET = new Set<string>(META_KEYS);
const FIELD_KEY_SET = new Set<string>(FIELD_SPECS.map((spec) => spec.key));
const NUMBER_KEYS = new Set(["x", "y", "w", "h"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isFieldValue(value: unknown): value is FieldValue {
  return typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
}

function checkId(index: number, where: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.length > LIMITS.idMax) {
    throw new Refused(index, `.${where}: an element id must be a non-empty string`);
  }
  return value;
}

function checkFields(index: number, where: string, value: unknown): Record<string, FieldValue> {
  if (!isRecord(value)) throw new Refused(index, `.${where}: fields must be an object`);
  for (const [key, item] of Object.entries(value)) {
    if (!FIELD_KEY_SET.has(key)) throw new Refused(index, `.${where}.${key}: unknown structured field '${key}'`);
    if (!isFieldValue(item)) throw new Refused(index, `.${where}.${key}: a field is text, a number or true/false`);
  }
  return value as Record<string, FieldValue>;
}

/** One node key's value, as the schema types it; a refusal names the key. */
function checkNodeValue(index: number, where: string, key: string, value: unknown): unknown {
  if (!NODE_KEY_SET.has(key)) throw new Refused(index, `.${where}.${key}: a node has no key '${key}'`);
  if (key === "fields") return checkFields(index, `${where}.fields`, value);
  if (NUMBER_KEYS.has(key)) {
    if (typeof value !== "number" || !Number.isFinite(value) || Math.abs(value) > LIMITS.coordinateMax) {
      throw new Refused(index, `.${where}.${key}: must be a finite number`);
    }
    return value;
  }
  if (typeof value !== "string") throw new Refused(index, `.${where}.${key}: must be text`);
  if (key === "kind" && !isNodeKindId(value)) throw new Refused(index, `.${where}.kind: unknown node kind '${value}'`);
  if (key === "stage" && !isStageId(value)) throw new Refused(index, `.${where}.stage: unknown stage '${value}'`);
  if (key === "label" && value.length > LIMITS.labelMax) throw new Refused(index, `.${where}.label: longer than ${LIMITS.labelMax} characters`);
  return value;
}

function checkEdgeValue(index: number, where: string, key: string, value: unknown): unknown {
  if (!EDGE_KEY_SET.has(key)) throw new Refused(index, `.${where}.${key}: an edge has no key '${key}'`);
  if (typeof value !== "string") throw new Refused(index, `.${where}.${key}: must be text`);
  if (key === "kind" && !isEdgeKindId(value)) throw new Refused(index, `.${where}.kind: unknown edge kind '${value}'`);
  if (key === "label" && value.length > LIMITS.edgeLabelMax) throw new Refused(index, `.${where}.label: longer than ${LIMITS.edgeLabelMax} characters`);
  return value;
}

/** A complete node from an `add_node` operation, the schema's defaults filled in. */
function checkedNode(index: number, raw: unknown): NodeRecord {
  if (!isRecord(raw)) throw new Refused(index, ".node: this field is required");
  const id = checkId(index, "node.id", raw.id);
  if (raw.kind === undefined) throw new Refused(index, ".node.kind: this field is required");
  if (raw.stage === undefined) throw new Refused(index, ".node.stage: this field is required");
  const kind = nodeKindOf(String(raw.kind));
  const node: Record<string, unknown> = { label: "", description: "", x: 0, y: 0, w: kind.w, h: kind.h, fields: {} };
  for (const [key, value] of Object.entries(raw)) {
    if (key !== "id") node[key] = checkNodeValue(index, "node", key, value);
  }
  return { ...(node as Omit<NodeRecord, "id">), id };
}

function checkedEdge(index: number, raw: unknown): EdgeRecord {
  if (!isRecord(raw)) throw new Refused(index, ".edge: this field is required");
  const id = checkId(index, "edge.id", raw.id);
  for (const key of ["source", "target"] as const) {
    if (raw[key] === undefined) throw new Refused(index, `.edge.${key}: this field is required`);
  }
  const edge: Record<string, unknown> = { kind: "flow", label: "" };
  for (const [key, value] of Object.entries(raw)) {
    if (key !== "id") edge[key] = checkEdgeValue(index, "edge", key, value);
  }
  return { ...(edge as Omit<EdgeRecord, "id">), id };
}

function checkedSet(index: number, raw: unknown, check: typeof checkNodeValue): Record<string, unknown> {
  if (!isRecord(raw) || Object.keys(raw).length === 0) throw new Refused(index, ".set: name at least one key to set");
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) set[key] = check(index, "set", key, value);
  return set;
}

/** Typed operations from a fix's JSON; throws `Refused` naming the first bad one. */
function parseOperations(raw: unknown): ChangeOperation[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new Refused(0, ": a change set is a non-empty list of operations");
  return raw.map((item, index): ChangeOperation => {
    if (!isRecord(item)) throw new Refused(index, ": an operation is an object with an 'op'");
    switch (item.op) {
      case "add_node":
        return { op: "add_node", node: checkedNode(index, item.node) };
      case "update_node":
        return { op: "update_node", id: checkId(index, "id", item.id), set: checkedSet(index, item.set, checkNodeValue) };
      case "remove_node":
        return { op: "remove_node", id: checkId(index, "id", item.id) };
      case "add_edge":
        return { op: "add_edge", edge: checkedEdge(index, item.edge) };
      case "update_edge":
        return { op: "update_edge", id: checkId(index, "id", item.id), set: checkedSet(index, item.set, checkEdgeValue) };
      case "remove_edge":
        return { op: "remove_edge", id: checkId(index, "id", item.id) };
      case "set_field": {
        const key = item.key;
        if (typeof key !== "string" || !FIELD_KEY_SET.has(key)) throw new Refused(index, `.key: unknown structured field '${String(key)}'`);
        if (item.value !== null && !isFieldValue(item.value)) throw new Refused(index, ".value: a field is text, a number or true/false");
        return { op: "set_field", id: checkId(index, "id", item.id), key, value: item.value as FieldValue | null };
      }
      case "set_meta": {
        if (typeof item.key !== "string" || !META_KEY_SET.has(item.key)) throw new Refused(index, `.key: the document has no fact '${String(item.key)}'`);
        if (item.value === undefined) throw new Refused(index, ".value: this field is required");
        return { op: "set_meta", key: item.key as MetaKey, value: item.value };
      }
      default:
        throw new Refused(index, `.op: unknown operation '${String(item.op)}'`);
    }
  });
}

interface Ends {
  source: string;
  target: string;
}

/**
 * Walk the change set over the document's ids without touching it: every id it names must
 * exist (or be free, for an add) at that point, and no edge may be left on a removed node.
 */
function dryRun(doc: Y.Doc, operations: readonly ChangeOperation[]) {
  const roots = docRoots(doc);
  const nodes = new Set<string>();
  roots.nodes.forEach((value, id) => value instanceof Y.Map && nodes.add(id));
  const edges = new Map<string, Ends>();
  roots.edges.forEach((value, id) => {
    if (value instanceof Y.Map) edges.set(id, { source: String(value.get("source") ?? ""), target: String(value.get("target") ?? "") });
  });
  const removedBy = new Map<string, number>();
  const taken = (id: string) => nodes.has(id) || edges.has(id);
  const needNode = (index: number, id: string, where = ".id") => {
    if (!nodes.has(id)) throw new Refused(index, `${where}: no node has id '${id}'; the change set is refused.`);
  };
  const needEdge = (index: number, id: string) => {
    if (!edges.has(id)) throw new Refused(index, `.id: no edge has id '${id}'; the change set is refused.`);
  };
  operations.forEach((operation, index) => {
    switch (operation.op) {
      case "add_node":
        if (taken(operation.node.id)) throw new Refused(index, `.node.id: id '${operation.node.id}' is already taken.`);
        nodes.add(operation.node.id);
        break;
      case "update_node":
      case "set_field":
        needNode(index, operation.id);
        break;
      case "remove_node":
        needNode(index, operation.id);
        nodes.delete(operation.id);
        removedBy.set(operation.id, index);
        break;
      case "add_edge": {
        const { edge } = operation;
        if (taken(edge.id)) throw new Refused(index, `.edge.id: id '${edge.id}' is already taken.`);
        needNode(index, edge.source, ".edge.source");
        needNode(index, edge.target, ".edge.target");
        edges.set(edge.id, { source: edge.source, target: edge.target });
        break;
      }
      case "update_edge": {
        needEdge(index, operation.id);
        const ends = { ...edges.get(operation.id)!, ...(operation.set as Partial<Ends>) };
        needNode(index, ends.source, ".set.source");
        needNode(index, ends.target, ".set.target");
        edges.set(operation.id, ends);
        break;
      }
      case "remove_edge":
        needEdge(index, operation.id);
        edges.delete(operation.id);
        break;
      case "set_meta":
        break;
    }
  });
  for (const [id, ends] of edges) {
    for (const end of [ends.source, ends.target]) {
      const index = removedBy.get(end);
      if (index !== undefined) {
        throw new Refused(index, `.id: removing node '${end}' would leave edge '${id}' attached; remove the edge in the same change set.`);
      }
    }
  }
}

function setIfDifferent(map: Y.Map<unknown>, key: string, value: unknown) {
  if (map.get(key) !== value) map.set(key, value);
}

/** Make a node's `fields` map equal to `wanted`, keeping the items of keys that stay. */
function replaceFields(node: Y.Map<unknown>, wanted: Record<string, FieldValue>) {
  let fields = node.get(FIELDS);
  if (!(fields instanceof Y.Map)) {
    fields = new Y.Map<unknown>();
    node.set(FIELDS, fields);
  }
  const map = fields as Y.Map<unknown>;
  for (const key of [...map.keys()]) if (!(key in wanted)) map.delete(key);
  for (const [key, value] of Object.entries(wanted)) setIfDifferent(map, key, value);
}

function writeOperation(doc: Y.Doc, operation: ChangeOperation) {
  const roots = docRoots(doc);
  switch (operation.op) {
    case "add_node":
      roots.nodes.set(operation.node.id, nodeToYMap(operation.node));
      break;
    case "update_node": {
      const node = roots.nodes.get(operation.id)!;
      for (const [key, value] of Object.entries(operation.set)) {
        if (key === "fields") replaceFields(node, value as Record<string, FieldValue>);
        else setIfDifferent(node, key, value);
      }
      break;
    }
    case "remove_node":
      roots.nodes.delete(operation.id);
      break;
    case "set_field": {
      const node = roots.nodes.get(operation.id)!;
      let fields = node.get(FIELDS);
      if (!(fields instanceof Y.Map)) {
        fields = new Y.Map<unknown>();
        node.set(FIELDS, fields);
      }
      const map = fields as Y.Map<unknown>;
      if (operation.value === null) map.delete(operation.key);
      else setIfDifferent(map, operation.key, operation.value);
      break;
    }
    case "add_edge":
      roots.edges.set(operation.edge.id, edgeToYMap(operation.edge));
      break;
    case "update_edge": {
      const edge = roots.edges.get(operation.id)!;
      for (const [key, value] of Object.entries(operation.set)) setIfDifferent(edge, key, value);
      break;
    }
    case "remove_edge":
      roots.edges.delete(operation.id);
      break;
    case "set_meta":
      // Lists (glossary, model versions) are stored as plain JSON values, as the editor's
      // other meta writes store them.
      roots.meta.set(operation.key, operation.value);
      break;
  }
}

/**
 * Apply a change set to the live document: all of it in one transaction with `origin`, or,
 * when any operation is at fault, nothing and a message naming it (`changes[2].id: …`).
 * Given the editor's undo manager, the change set is its own undo step: not merged with the
 * edit just before it nor with the one after.
 */
export function applyChangeSet(
  doc: Y.Doc,
  changes: unknown,
  options: { origin?: unknown; undoManager?: Y.UndoManager } = {},
): ChangeSetResult {
  let operations: ChangeOperation[];
  try {
    operations = parseOperations(changes);
    dryRun(doc, operations);
  } catch (error) {
    if (error instanceof Refused) return { ok: false, message: error.message, index: error.index };
    throw error;
  }
  options.undoManager?.stopCapturing();
  doc.transact(() => {
    for (const operation of operations) writeOperation(doc, operation);
  }, options.origin ?? LOCAL_ORIGIN);
  options.undoManager?.stopCapturing();
  return { ok: true, operations: operations.length };
}
