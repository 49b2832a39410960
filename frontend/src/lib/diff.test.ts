import { describe, expect, it } from "vitest";
import { DIFF_COLOURS, countsLine, diffDisplay, diffStatusMaps, type DiffChange } from "./diff";
import { emptyMeta, type DiagramContent, type NodeRecord } from "./ydoc";

function node(id: string, extra: Partial<NodeRecord> = {}): NodeRecord {
  return { id, kind: "process", stage: "input", label: id, description: "", x: 0, y: 0, w: 200, h: 72, fields: {}, ...extra };
}

const change = (element: DiffChange["element"], id: string, kind: DiffChange["change"]): DiffChange => ({ element, id, change: kind, summary: `${kind} ${id}`, fields: [] });

describe("diff colouring", () => {
  it("gives each changed element its status, and changed wins over moved", () => {
    const maps = diffStatusMaps([
      change("node", "a", "added"),
      change("node", "b", "moved"),
      change("node", "b", "changed"),
      change("node", "c", "moved"),
      change("edge", "e1", "removed"),
      change("meta", "meta", "changed"),
    ]);
    expect(maps.nodes.get("a")).toBe("added");
    expect(maps.nodes.get("b")).toBe("changed");
    expect(maps.nodes.get("c")).toBe("moved");
    expect(maps.edges.get("e1")).toBe("removed");
    expect(maps.metaChanged).toBe(true);
  });

  it("shows the newer document plus the removed elements of the older one", () => {
    const older: DiagramContent = {
      schema: "sop-diagram/1",
      meta: emptyMeta(),
      nodes: [node("kept"), node("gone")],
      edges: [{ id: "e-old", source: "kept", target: "gone", kind: "flow", label: "" }],
    };
    const newer: DiagramContent = { ...older, nodes: [node("kept", { label: "new label" }), node("fresh")], edges: [] };
    const shown = diffDisplay(older, newer, [
      change("node", "kept", "changed"),
      change("node", "fresh", "added"),
      change("node", "gone", "removed"),
      change("edge", "e-old", "removed"),
    ]);
    expect(shown.nodes.map((n) => [n.record.id, n.status])).toEqual([
      ["kept", "changed"],
      ["fresh", "added"],
      ["gone", "removed"],
    ]);
    expect(shown.nodes[0]!.record.label).toBe("new label");
    expect(shown.edges).toEqual([{ record: older.edges[0], status: "removed" }]);
  });

  it("colours added green, removed red, changed amber and moved blue", () => {
    expect(DIFF_COLOURS.added.stroke).toBe("#16a34a");
    expect(DIFF_COLOURS.removed.stroke).toBe("#dc2626");
    expect(DIFF_COLOURS.changed.stroke).toBe("#d97706");
    expect(DIFF_COLOURS.moved.stroke).toBe("#2563eb");
    expect(new Set(Object.values(DIFF_COLOURS).map((c) => c.stroke)).size).toBe(5);
  });

  it("summarises counts in words", () => {
    expect(countsLine({ added: 2, removed: 0, changed: 1, moved: 0 })).toBe("2 added, 1 changed");
    expect(countsLine({ added: 0, removed: 0, changed: 0, moved: 0 })).toBe("No differences");
  });
});
