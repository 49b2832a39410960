import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import fraud from "../../../apps/diagrams/templates_data/fraud-detection-api.json";
import { patchEdges, patchNodes, toFlowEdge, toFlowNode } from "./flow";
import {
  LOCAL_ORIGIN,
  addElements,
  deleteElements,
  docMakeEqual,
  docRoots,
  docToContent,
  moveNodes,
  normaliseContent,
  readNode,
  setNodeField,
  updateNode,
  type DiagramContent,
  type NodeRecord,
} from "./ydoc";

const template = normaliseContent(fraud.content) as DiagramContent;

function seeded(): Y.Doc {
  const doc = new Y.Doc();
  docMakeEqual(doc, template, null);
  return doc;
}

function node(id: string, extra: Partial<NodeRecord> = {}): NodeRecord {
  return { id, kind: "process", stage: "model", label: id, description: "", x: 0, y: 0, w: 200, h: 72, fields: {}, ...extra };
}

describe("Y document layout", () => {
  it("round-trips the fraud template through the document unchanged", () => {
    expect(docToContent(seeded())).toEqual(template);
  });

  it("stores every node as a nested map with a nested fields map, never one value", () => {
    const doc = seeded();
    const score = docRoots(doc).nodes.get("score-txn");
    expect(score).toBeInstanceOf(Y.Map);
    expect(score!.get("label")).toBe("Score transaction");
    expect(score!.get("fields")).toBeInstanceOf(Y.Map);
  });

  it("keeps a concurrent move and rename of the same node", () => {
    const left = seeded();
    const right = new Y.Doc();
    Y.applyUpdate(right, Y.encodeStateAsUpdate(left));
    moveNodes(left, [{ id: "score-txn", x: 900, y: 300 }]);
    updateNode(right, "score-txn", { label: "Score payment" });
    Y.applyUpdate(left, Y.encodeStateAsUpdate(right));
    Y.applyUpdate(right, Y.encodeStateAsUpdate(left));
    for (const doc of [left, right]) {
      const record = readNode("score-txn", docRoots(doc).nodes.get("score-txn")!);
      expect(record).toMatchObject({ x: 900, y: 300, label: "Score payment" });
    }
  });

  it("removes a field when it is set to empty, and keeps numbers as numbers", () => {
    const doc = seeded();
    setNodeField(doc, "score-txn", "timeoutMs", 45);
    setNodeField(doc, "score-txn", "owner", "");
    const record = docToContent(doc).nodes.find((n) => n.id === "score-txn")!;
    expect(record.fields.timeoutMs).toBe(45);
    expect("owner" in record.fields).toBe(false);
  });

  it("deletes the edges of a deleted node with it", () => {
    const doc = seeded();
    deleteElements(doc, ["score-txn"], []);
    const content = docToContent(doc);
    expect(content.nodes.some((n) => n.id === "score-txn")).toBe(false);
    expect(content.edges.some((e) => e.source === "score-txn" || e.target === "score-txn")).toBe(false);
  });

  it("refuses edges to nodes that do not exist", () => {
    const doc = new Y.Doc();
    addElements(doc, [node("a")], [{ id: "e1", source: "a", target: "ghost", kind: "flow", label: "" }]);
    expect(docToContent(doc).edges).toEqual([]);
  });

  it("makes the document equal to other content touching only what differs", () => {
    const doc = seeded();
    const changed: DiagramContent = {
      ...template,
      nodes: template.nodes.filter((n) => n.id !== "end-decision").map((n) => (n.id === "score-txn" ? { ...n, label: "Renamed" } : n)),
      edges: template.edges.filter((e) => e.target !== "end-decision"),
    };
    const before = docRoots(doc).nodes.get("validate-txn");
    docMakeEqual(doc, changed);
    expect(docToContent(doc)).toEqual(changed);
    // An untouched node keeps its Yjs map (so concurrent edits to it survive).
    expect(docRoots(doc).nodes.get("validate-txn")).toBe(before);
  });

  it("tags local edits with the local origin for the undo manager", () => {
    const doc = seeded();
    const origins: unknown[] = [];
    doc.on("afterTransaction", (tx) => origins.push(tx.origin));
    updateNode(doc, "score-txn", { label: "x" });
    expect(origins).toEqual([LOCAL_ORIGIN]);
  });
});

describe("React Flow mapping", () => {
  it("maps a record to a node of its kind, at its position and size", () => {
    const record = template.nodes.find((n) => n.id === "risk-decision")!;
    const flowNode = toFlowNode(record);
    expect(flowNode).toMatchObject({ id: "risk-decision", type: "decision", position: { x: record.x, y: record.y }, width: record.w, height: record.h });
    expect(flowNode.data.record).toBe(record);
  });

  it("maps an edge to the custom edge type between its nodes", () => {
    const record = template.edges[0]!;
    expect(toFlowEdge(record)).toMatchObject({ id: record.id, type: "sop", source: record.source, target: record.target });
  });

  it("reuses the node object when the record did not change", () => {
    const record = template.nodes[0]!;
    const first = toFlowNode(record);
    expect(toFlowNode({ ...record, fields: { ...record.fields } }, first)).toBe(first);
    expect(toFlowNode({ ...record, label: "other" }, first)).not.toBe(first);
  });

  it("patches only the touched nodes and keeps the rest identical", () => {
    const nodes = template.nodes.map((record) => toFlowNode(record));
    const moved = { ...template.nodes[1]!, x: 999 };
    const next = patchNodes(nodes, new Map([[moved.id, moved], [template.nodes[2]!.id, null], ["new", node("new")]]));
    expect(next).toHaveLength(nodes.length);
    expect(next[0]).toBe(nodes[0]);
    expect(next[1]!.position.x).toBe(999);
    expect(next.some((n) => n.id === template.nodes[2]!.id)).toBe(false);
    expect(next[next.length - 1]!.id).toBe("new");
  });

  it("keeps the local position of a node being dragged and the selection flag", () => {
    const nodes = [{ ...toFlowNode(node("a", { x: 10 })), selected: true, position: { x: 55, y: 0 } }];
    const next = patchNodes(nodes, new Map([["a", node("a", { x: 20, label: "renamed" })]]), new Set(["a"]));
    expect(next[0]!.position.x).toBe(55);
    expect(next[0]!.selected).toBe(true);
    expect(next[0]!.data.record.label).toBe("renamed");
  });

  it("patches edges and drops deleted ones", () => {
    const edges = template.edges.map((record) => toFlowEdge(record));
    const next = patchEdges(edges, new Map([[template.edges[0]!.id, null], [template.edges[1]!.id, { ...template.edges[1]!, kind: "fallback" }]]));
    expect(next).toHaveLength(edges.length - 1);
    expect(next[0]!.data!.record.kind).toBe("fallback");
    expect(next[1]).toBe(edges[2]);
  });
});
