import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { DRAG_WRITE_INTERVAL_MS, createEditorStore } from "./editorStore";
import { addElements, docRoots, readNode, updateNode, type NodeRecord } from "../lib/ydoc";

const REMOTE = { name: "remote" };

function node(id: string, x: number): NodeRecord {
  return { id, kind: "process", stage: "input", label: id, description: "", x, y: 200, w: 200, h: 72, fields: {} };
}

function setup() {
  const doc = new Y.Doc();
  addElements(doc, [node("a", 300), node("b", 600)], [], REMOTE);
  const handle = createEditorStore(doc, { readOnly: false });
  return { doc, handle, store: handle.store };
}

const xOf = (doc: Y.Doc, id: string) => readNode(id, docRoots(doc).nodes.get(id)!).x;

describe("editor store", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("writes a drag to the document at most every 50 ms, and on drop", () => {
    const { doc, store } = setup();
    const updates: Uint8Array[] = [];
    doc.on("update", (update: Uint8Array) => updates.push(update));
    store.getState().dragStart();
    for (let step = 1; step <= 10; step += 1) {
      store.getState().onNodesChange([{ type: "position", id: "a", position: { x: 300 + step, y: 200 }, dragging: true }]);
      vi.advanceTimersByTime(4); // ten moves inside 40 ms
    }
    expect(updates.length).toBe(0);
    vi.advanceTimersByTime(DRAG_WRITE_INTERVAL_MS);
    expect(updates.length).toBe(1);
    expect(xOf(doc, "a")).toBe(310);
    store.getState().onNodesChange([{ type: "position", id: "a", position: { x: 420, y: 200 }, dragging: true }]);
    store.getState().dragStop();
    expect(xOf(doc, "a")).toBe(420);
    // The canvas shows the dropped position.
    expect(store.getState().nodes.find((n) => n.id === "a")!.position.x).toBe(420);
  });

  it("undoes a long drag in one step, and only the local user's edits", () => {
    const { doc, handle, store } = setup();
    store.getState().dragStart();
    for (let step = 1; step <= 30; step += 1) {
      store.getState().onNodesChange([{ type: "position", id: "a", position: { x: 300 + step * 10, y: 200 }, dragging: true }]);
      vi.advanceTimersByTime(100); // three seconds of dragging, past the undo capture window
    }
    store.getState().dragStop();
    expect(xOf(doc, "a")).toBe(600);

    // Someone else moves b meanwhile: that is not ours to undo.
    updateNode(doc, "b", { x: 900 }, REMOTE);
    vi.advanceTimersByTime(1000);
    store.getState().patchNode("a", { label: "renamed" });

    store.getState().undo();
    expect(readNode("a", docRoots(doc).nodes.get("a")!).label).toBe("a");
    expect(xOf(doc, "a")).toBe(600);
    store.getState().undo();
    expect(xOf(doc, "a")).toBe(300);
    expect(handle.undoManager.canUndo()).toBe(false);
    expect(xOf(doc, "b")).toBe(900);
    store.getState().redo();
    expect(xOf(doc, "a")).toBe(600);
  });

  it("mirrors remote edits into the nodes without touching unrelated node objects", () => {
    const { doc, store } = setup();
    const before = store.getState().nodes;
    updateNode(doc, "b", { label: "from a colleague" }, REMOTE);
    const after = store.getState().nodes;
    expect(after.find((n) => n.id === "a")).toBe(before.find((n) => n.id === "a"));
    expect(after.find((n) => n.id === "b")!.data.record.label).toBe("from a colleague");
  });

  it("changes nothing on a read-only canvas", () => {
    const doc = new Y.Doc();
    addElements(doc, [node("a", 300)], [], REMOTE);
    const { store } = createEditorStore(doc, { readOnly: true });
    store.getState().onNodesChange([{ type: "position", id: "a", position: { x: 999, y: 0 }, dragging: true }]);
    store.getState().dragStop();
    store.getState().selectOnly(["a"]);
    store.getState().deleteSelection();
    store.getState().patchNode("a", { label: "nope" });
    expect(store.getState().addNode("process", { x: 10, y: 10 })).toBeNull();
    expect(readNode("a", docRoots(doc).nodes.get("a")!)).toMatchObject({ x: 300, label: "a" });
    expect(store.getState().nodes.find((n) => n.id === "a")!.position.x).toBe(300);
  });

  it("drops a step into the stage of the lane it lands in", () => {
    const { doc, store } = setup();
    store.getState().dragStart();
    store.getState().onNodesChange([{ type: "position", id: "a", position: { x: 1700, y: 200 }, dragging: true }]);
    store.getState().dragStop();
    expect(readNode("a", docRoots(doc).nodes.get("a")!).stage).toBe("monitoring");
  });
});
