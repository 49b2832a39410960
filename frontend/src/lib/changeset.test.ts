import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import blank from "../../../apps/diagrams/templates_data/blank.json";
import { createEditorStore } from "../store/editorStore";
import { applyChangeSet } from "./changeset";
import { LOCAL_ORIGIN, docMakeEqual, docRoots, docToContent, normaliseContent, updateNode, type DiagramContent } from "./ydoc";

const template = normaliseContent(blank.content) as DiagramContent;

function seeded(): Y.Doc {
  const doc = new Y.Doc();
  docMakeEqual(doc, template, null);
  return doc;
}

// The fix the server's SOP004 answers for the blank template's inference step.
const ERROR_PATH_FIX = [
  {
    op: "add_node",
    node: {
      id: "inference-failure-alert",
      kind: "alert",
      stage: "monitoring",
      label: "Describe the inference run failure alert",
      description: "TODO: who is alerted when this step fails, and what they do.",
      x: 1730.0,
      y: 364.0,
      w: 180.0,
      h: 72.0,
      fields: { owner: "TODO: owner", alertThresholds: "TODO: when this alert fires" },
    },
  },
  { op: "add_edge", edge: { id: "e-inference-error", source: "inference", target: "inference-failure-alert", kind: "error", label: "error or timeout" } },
];

const nodeOf = (doc: Y.Doc, id: string) => docToContent(doc).nodes.find((node) => node.id === id);
const edgeOf = (doc: Y.Doc, id: string) => docToContent(doc).edges.find((edge) => edge.id === id);

describe("applyChangeSet", () => {
  it("adds a node and an edge to it in one transaction with the local origin", () => {
    const doc = seeded();
    const origins: unknown[] = [];
    doc.on("afterTransaction", (transaction: Y.Transaction) => origins.push(transaction.origin));
    expect(applyChangeSet(doc, ERROR_PATH_FIX)).toEqual({ ok: true, operations: 2 });
    expect(origins).toEqual([LOCAL_ORIGIN]);
    expect(nodeOf(doc, "inference-failure-alert")).toMatchObject({ kind: "alert", stage: "monitoring", x: 1730, fields: { owner: "TODO: owner" } });
    expect(edgeOf(doc, "e-inference-error")).toEqual({
      id: "e-inference-error",
      source: "inference",
      target: "inference-failure-alert",
      kind: "error",
      label: "error or timeout",
    });
    // Stored the way the editor stores nodes: nested maps, never one value.
    expect(docRoots(doc).nodes.get("inference-failure-alert")!.get("fields")).toBeInstanceOf(Y.Map);
  });

  it("fills an added node's defaults like the schema does", () => {
    const doc = seeded();
    expect(applyChangeSet(doc, [{ op: "add_node", node: { id: "n-new", kind: "process", stage: "input" } }]).ok).toBe(true);
    expect(nodeOf(doc, "n-new")).toEqual({ id: "n-new", kind: "process", stage: "input", label: "", description: "", x: 0, y: 0, w: 200, h: 72, fields: {} });
  });

  it("update_node sets only the keys named, and `fields` replaces the whole map", () => {
    const doc = seeded();
    applyChangeSet(doc, [{ op: "set_field", id: "model", key: "owner", value: "ML team" }]);
    const before = nodeOf(doc, "model")!;
    expect(applyChangeSet(doc, [{ op: "update_node", id: "model", set: { label: "Score", fields: { modelVersion: "v3" } } }]).ok).toBe(true);
    expect(nodeOf(doc, "model")).toEqual({ ...before, label: "Score", fields: { modelVersion: "v3" } });
  });

  it("set_field sets one field and clears it with null", () => {
    const doc = seeded();
    applyChangeSet(doc, [{ op: "set_field", id: "model", key: "modelVersion", value: "TODO: model version" }]);
    expect(nodeOf(doc, "model")!.fields).toEqual({ modelVersion: "TODO: model version" });
    applyChangeSet(doc, [{ op: "set_field", id: "model", key: "modelVersion", value: null }]);
    expect(nodeOf(doc, "model")!.fields).toEqual({});
  });

  it("removes a node together with its edges, and edits and removes edges", () => {
    const doc = seeded();
    const result = applyChangeSet(doc, [
      { op: "remove_edge", id: "e-monitoring-end" },
      { op: "remove_node", id: "end" },
      { op: "update_edge", id: "e-model-inference", set: { kind: "fallback", label: "on timeout" } },
    ]);
    expect(result.ok).toBe(true);
    expect(nodeOf(doc, "end")).toBeUndefined();
    expect(edgeOf(doc, "e-monitoring-end")).toBeUndefined();
    expect(edgeOf(doc, "e-model-inference")).toMatchObject({ source: "model", target: "inference", kind: "fallback", label: "on timeout" });
  });

  it("set_meta sets a document fact, lists included", () => {
    const doc = seeded();
    const glossary = [{ term: "SLA", definition: "service-level agreement" }];
    expect(applyChangeSet(doc, [{ op: "set_meta", key: "reviewBy", value: "2027-06-01" }, { op: "set_meta", key: "glossary", value: glossary }]).ok).toBe(true);
    expect(docToContent(doc).meta).toMatchObject({ reviewBy: "2027-06-01", glossary });
  });

  it.each([
    ["an unknown node id", [{ op: "set_field", id: "model", key: "owner", value: "x" }, { op: "update_node", id: "ghost", set: { label: "x" } }], "changes[1].id: no node has id 'ghost'"],
    ["an unknown edge id", [{ op: "remove_edge", id: "e-ghost" }], "changes[0].id: no edge has id 'e-ghost'"],
    ["an edge to an unknown node", [ERROR_PATH_FIX[1]], "changes[0].edge.target: no node has id 'inference-failure-alert'"],
    ["an id already taken", [{ op: "add_node", node: { id: "model", kind: "process", stage: "model" } }], "changes[0].node.id: id 'model' is already taken"],
    ["a removed node's edges left behind", [{ op: "remove_node", id: "end" }], "changes[0].id: removing node 'end' would leave edge 'e-monitoring-end' attached"],
    ["an unknown field", [{ op: "set_field", id: "model", key: "colour", value: "red" }], "changes[0].key: unknown structured field 'colour'"],
    ["an unknown operation", [{ op: "explode", id: "model" }], "changes[0].op: unknown operation 'explode'"],
    ["a non-finite coordinate", [{ op: "update_node", id: "model", set: { x: Number.POSITIVE_INFINITY } }], "changes[0].set.x: must be a finite number"],
  ])("refuses the whole change set on %s and touches nothing", (_case, changes, message) => {
    const doc = seeded();
    const before = Y.encodeStateVector(doc);
    const result = applyChangeSet(doc, changes);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
    expect(Y.encodeStateVector(doc)).toEqual(before);
    expect(docToContent(doc)).toEqual(template);
  });

  it("is one undo step, apart from the edit just before it", () => {
    const doc = seeded();
    const handle = createEditorStore(doc, { readOnly: false });
    updateNode(doc, "model", { label: "Renamed" }); // inside the undo manager's capture window
    const renamed = docToContent(doc);
    expect(applyChangeSet(doc, [...ERROR_PATH_FIX, { op: "set_field", id: "model", key: "modelVersion", value: "v1" }], { undoManager: handle.undoManager }).ok).toBe(true);
    handle.store.getState().undo();
    expect(docToContent(doc)).toEqual(renamed);
    handle.store.getState().redo();
    expect(nodeOf(doc, "inference-failure-alert")).toBeDefined();
    expect(nodeOf(doc, "model")!.fields).toEqual({ modelVersion: "v1" });
    handle.destroy();
  });
});
