import { describe, expect, it } from "vitest";
import { fragmentFrom, instantiateFragment } from "./clipboard";
import { facingSides } from "./edgeRouting";
import { nearestInDirection, nextInOrder, placeInLane, stageForBox } from "./geometry";
import { ID_PATTERN, newId } from "./ids";
import { fitToLanes } from "./layout";
import { LAYOUT, NODE_KINDS, STAGES, fieldsForStage } from "./theme";
import { missingNodeComponents } from "../components/nodes/registry";
import type { NodeRecord } from "./ydoc";

const box = (id: string, x: number, y: number) => ({ id, x, y, w: 100, h: 50 });
function node(id: string, stage: string, y: number): NodeRecord {
  return { id, kind: "process", stage, label: id, description: "", x: 0, y, w: 200, h: 72, fields: {} };
}

describe("keyboard navigation between steps", () => {
  const boxes = [box("centre", 300, 300), box("right", 600, 320), box("below", 310, 500), box("far-right-up", 900, 0)];

  it("selects the nearest step in the pressed direction", () => {
    expect(nearestInDirection(boxes, "centre", "right")).toBe("right");
    expect(nearestInDirection(boxes, "centre", "down")).toBe("below");
    expect(nearestInDirection(boxes, "centre", "left")).toBeNull();
  });

  it("walks steps lane by lane, top to bottom, and wraps", () => {
    expect(nextInOrder(boxes, null, 1)).toBe("centre");
    expect(nextInOrder(boxes, "centre", 1)).toBe("below");
    expect(nextInOrder(boxes, "centre", -1)).toBe("far-right-up");
  });
});

describe("lanes", () => {
  it("derives a step's stage from the lane its centre is in", () => {
    expect(stageForBox({ x: 10, w: 100 })).toBe(STAGES[0]!.id);
    expect(stageForBox({ x: LAYOUT.laneWidth * 2 + 10, w: 100 })).toBe(STAGES[2]!.id);
    expect(stageForBox({ x: 99999, w: 100 })).toBe(STAGES[STAGES.length - 1]!.id);
  });

  it("places a dropped step inside its lane, below the header, on the grid", () => {
    const placed = placeInLane({ x: LAYOUT.laneWidth * 3 + 5, y: 10 }, { w: 200, h: 72 });
    expect(placed.stage).toBe(STAGES[3]!.id);
    expect(placed.x).toBeGreaterThanOrEqual(LAYOUT.laneWidth * 3);
    expect(placed.x + 200).toBeLessThanOrEqual(LAYOUT.laneWidth * 4);
    expect(placed.y).toBeGreaterThanOrEqual(LAYOUT.laneHeaderHeight);
    expect(placed.x % LAYOUT.gridSize).toBe(0);
  });

  it("tidy-up keeps every step in its stage lane without overlaps, in the suggested order", () => {
    const nodes = [node("a", "input", 0), node("b", "input", 0), node("c", "monitoring", 0)];
    const suggested = new Map([["a", { x: 0, y: 200 }], ["b", { x: 0, y: 0 }], ["c", { x: 0, y: 0 }]]);
    const placed = new Map(fitToLanes(nodes, suggested).map((p) => [p.id, p]));
    const inputLane = STAGES.findIndex((s) => s.id === "input");
    for (const id of ["a", "b"]) {
      expect(placed.get(id)!.x).toBeGreaterThanOrEqual(inputLane * LAYOUT.laneWidth);
      expect(placed.get(id)!.x + 200).toBeLessThanOrEqual((inputLane + 1) * LAYOUT.laneWidth);
    }
    expect(placed.get("b")!.y + 72).toBeLessThan(placed.get("a")!.y);
    expect(placed.get("c")!.x).toBeGreaterThanOrEqual((STAGES.length - 1) * LAYOUT.laneWidth);
  });
});

describe("edge routing", () => {
  it("leaves from the side facing the target", () => {
    expect(facingSides({ x: 0, y: 0, w: 100, h: 50 }, { x: 300, y: 0, w: 100, h: 50 })).toEqual({ from: "right", to: "left" });
    expect(facingSides({ x: 0, y: 0, w: 100, h: 50 }, { x: 0, y: 200, w: 100, h: 50 })).toEqual({ from: "bottom", to: "top" });
  });
});

describe("copy and paste", () => {
  it("pastes copies with new ids, offset, and the edges between copied steps only", () => {
    const nodes = [node("a", "input", 100), node("b", "model", 100), node("c", "model", 300)];
    const edges = [
      { id: "ab", source: "a", target: "b", kind: "flow", label: "" },
      { id: "bc", source: "b", target: "c", kind: "error", label: "" },
    ];
    const fragment = fragmentFrom(nodes, edges, new Set(["a", "b"]));
    const made = instantiateFragment(fragment, { x: 30, y: 30 });
    expect(made.nodes).toHaveLength(2);
    expect(made.edges).toHaveLength(1);
    const ids = new Set(made.nodes.map((n) => n.id));
    expect(ids.has("a") || ids.has("b")).toBe(false);
    expect(ids.has(made.edges[0]!.source) && ids.has(made.edges[0]!.target)).toBe(true);
    expect(made.nodes[0]!.y).toBe(130);
  });

  it("makes ids the schema accepts", () => {
    for (let i = 0; i < 50; i += 1) expect(newId()).toMatch(ID_PATTERN);
  });
});

describe("theme", () => {
  it("has a node component for every node kind in the shared theme", () => {
    expect(NODE_KINDS.length).toBeGreaterThan(0);
    expect(missingNodeComponents()).toEqual([]);
  });

  it("offers owner on every stage and stage-specific facts", () => {
    for (const stage of STAGES) expect(fieldsForStage(stage.id).some((f) => f.key === "owner")).toBe(true);
    expect(fieldsForStage("model").some((f) => f.key === "modelVersion")).toBe(true);
    expect(fieldsForStage("trigger").some((f) => f.key === "modelVersion")).toBe(false);
  });
});

describe("edge ports", () => {
  it("spreads edges leaving one side of a step, in the order of their targets", async () => {
    const { portOffsets } = await import("./edgeRouting");
    const rects = new Map([
      ["s", { x: 0, y: 100, w: 200, h: 72 }],
      ["up", { x: 400, y: 0, w: 200, h: 72 }],
      ["mid", { x: 400, y: 100, w: 200, h: 72 }],
      ["down", { x: 400, y: 260, w: 200, h: 72 }],
    ]);
    const edges = [
      { id: "e-down", source: "s", target: "down" },
      { id: "e-up", source: "s", target: "up" },
      { id: "e-mid", source: "s", target: "mid" },
    ];
    const ports = portOffsets(rects, edges);
    expect(ports.get("e-up")![0]).toBeLessThan(ports.get("e-mid")![0]);
    expect(ports.get("e-mid")![0]).toBe(0);
    expect(ports.get("e-down")![0]).toBeGreaterThan(0);
    // Each target has one edge on its side: centred.
    expect(ports.get("e-up")![1]).toBe(0);
    // Unchanged offsets keep their identity.
    expect(portOffsets(rects, edges, ports).get("e-up")).toBe(ports.get("e-up"));
  });
});
