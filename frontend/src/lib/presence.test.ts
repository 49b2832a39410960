import { describe, expect, it } from "vitest";
import {
  MAX_COORDINATE,
  MAX_NAME_LENGTH,
  MAX_SELECTION,
  UNNAMED_PEER,
  colourFor,
  localPresence,
  parsePeerState,
  presenceView,
} from "./presence";

const GOOD = { user: { name: "Ada Lovelace", color: "#2563eb" }, cursor: { x: 10, y: -4.5 }, selection: ["n1", "e2"] };

/** As y-protocols hands a remote state over: decoded from the wire with JSON.parse. */
function wire(json: string): unknown {
  return JSON.parse(json);
}

describe("parsePeerState", () => {
  it("keeps a well-formed state as it is", () => {
    expect(parsePeerState(GOOD)).toEqual({
      name: "Ada Lovelace",
      color: "#2563eb",
      cursor: { x: 10, y: -4.5 },
      selection: ["n1", "e2"],
    });
  });

  it.each([
    ["a number", 0],
    ["an object", { first: "Ada" }],
    ["an array", ["Ada"]],
    ["null", null],
    ["a boolean", true],
    ["an empty string", ""],
    ["only spaces and controls", " \u0000\t\u202e "],
  ])("names a peer whose name is %s 'Someone' instead of throwing", (_what, name) => {
    const state = parsePeerState({ user: { name, color: "#2563eb" } });
    expect(state?.name).toBe(UNNAMED_PEER);
    expect(state?.color).toBe("#2563eb");
  });

  it("the states that white-screened the editor become harmless", () => {
    // The three states of the report, exactly as they arrive.
    expect(parsePeerState(wire('{"user": {"name": 0}}'))).toEqual({
      name: UNNAMED_PEER,
      color: colourFor(UNNAMED_PEER),
      cursor: null,
      selection: [],
    });
    expect(parsePeerState(wire('{"user": {"name": {"toString": 1, "trim": 2}}}'))?.name).toBe(UNNAMED_PEER);
    expect(parsePeerState(wire('{"cursor": {"x": 1, "y": 2}}'))).toBeNull();
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
    ["a number", 42],
    ["a string", "user"],
    ["an array", [{ user: { name: "Ada" } }]],
    ["an empty object", {}],
    ["a user that is a string", { user: "Ada" }],
    ["a user that is an array", { user: ["Ada"] }],
    ["a user that is null", { user: null }],
  ])("shows no peer for %s", (_what, raw) => {
    expect(parsePeerState(raw)).toBeNull();
  });

  it("cuts a huge name to 64 characters without splitting an emoji", () => {
    const state = parsePeerState({ user: { name: "😀".repeat(1_000_000), color: "#000" } });
    expect(Array.from(state!.name)).toHaveLength(MAX_NAME_LENGTH);
    expect(state!.name).toBe("😀".repeat(MAX_NAME_LENGTH));
    expect(parsePeerState({ user: { name: "x".repeat(10_000_000) } })!.name).toHaveLength(MAX_NAME_LENGTH);
  });

  it("strips control and bidi-override characters from a name", () => {
    expect(parsePeerState({ user: { name: "Ad\u0000a\u202e \u0007Love\nlace" } })!.name).toBe("Ada Lovelace");
  });

  it.each([
    ["a number", 0xff0000],
    ["a CSS expression", "url(https://example.com/x.png)"],
    ["a named colour", "red"],
    ["a style injection", "#fff; background-image: url(x)"],
    ["an object", { r: 255 }],
    ["an over-long hex", "#1234567"],
  ])("replaces a colour that is %s by the name's colour", (_what, color) => {
    expect(parsePeerState({ user: { name: "Ada", color } })!.color).toBe(colourFor("Ada"));
  });

  it("accepts short and long hex colours", () => {
    expect(parsePeerState({ user: { name: "Ada", color: "#AbC" } })!.color).toBe("#AbC");
    expect(parsePeerState({ user: { name: "Ada", color: "#a1b2c3" } })!.color).toBe("#a1b2c3");
  });

  it.each([
    ["NaN", { x: Number.NaN, y: 1 }],
    ["Infinity", { x: 1, y: Number.POSITIVE_INFINITY }],
    ["-Infinity", { x: Number.NEGATIVE_INFINITY, y: 0 }],
    ["strings", { x: "10", y: "20" }],
    ["missing y", { x: 1 }],
    ["an array", [1, 2]],
    ["a number", 7],
    ["out of range", { x: MAX_COORDINATE * 10, y: 0 }],
    ["nested objects", { x: { valueOf: 1 }, y: 0 }],
  ])("drops a cursor with %s", (_what, cursor) => {
    const state = parsePeerState({ user: { name: "Ada" }, cursor });
    expect(state!.name).toBe("Ada");
    expect(state!.cursor).toBeNull();
  });

  it("keeps only element ids from a selection, each once", () => {
    const selection = ["n1", 5, null, { id: "n2" }, ["n3"], "n1", "", "bad id", "<img src=x>", "__proto__", "e-2.b:c"];
    expect(parsePeerState({ user: { name: "Ada" }, selection })!.selection).toEqual(["n1", "e-2.b:c"]);
  });

  it("treats a selection that is not a list as empty", () => {
    for (const selection of ["n1", 3, { 0: "n1", length: 1 }, null]) {
      expect(parsePeerState({ user: { name: "Ada" }, selection })!.selection).toEqual([]);
    }
  });

  it("reads no more than the bounded number of selected ids", () => {
    const selection = Array.from({ length: MAX_SELECTION * 50 }, (_, index) => `n${index}`);
    const kept = parsePeerState({ user: { name: "Ada" }, selection })!.selection;
    expect(kept).toHaveLength(MAX_SELECTION);
    expect(kept[0]).toBe("n0");
  });

  it("never reads through prototype keys", () => {
    // JSON.parse makes `__proto__` an ordinary own key; it must not stand in for `user`.
    expect(parsePeerState(wire('{"__proto__": {"user": {"name": "Eve"}}}'))).toBeNull();
    expect(parsePeerState(wire('{"user": {"__proto__": {"name": "Eve"}}}'))!.name).toBe(UNNAMED_PEER);
    const inherited = Object.create({ user: { name: "Eve" } }) as unknown;
    expect(parsePeerState(inherited)).toBeNull();
    expect(parsePeerState(wire('{"constructor": {"name": "Eve"}, "user": {"name": "Ada", "color": "#fff"}}'))).toEqual({
      name: "Ada",
      color: "#fff",
      cursor: null,
      selection: [],
    });
    // Nothing leaked onto the shared prototype either.
    expect(({} as Record<string, unknown>).user).toBeUndefined();
  });

  it("refuses objects that are not plain data", () => {
    expect(parsePeerState(new Date())).toBeNull();
    expect(parsePeerState({ user: new Map([["name", "Ada"]]) })).toBeNull();
    expect(parsePeerState({ user: { name: new String("Ada") } })!.name).toBe(UNNAMED_PEER);
  });
});

describe("presenceView", () => {
  it("lists every other person, hostile states included, without throwing", () => {
    const states = new Map<number, unknown>([
      [1, { user: { name: "Me", color: "#000000" } }],
      [2, wire('{"user": {"name": 0}}')],
      [3, wire('{"user": {"name": {"a": 1}}}')],
      [4, wire("{}")],
      [5, { user: { name: "Bob", color: "#16a34a" }, cursor: { x: 1, y: 2 }, selection: ["n1"] }],
      [6, { user: { name: "Ada", color: "#2563eb" }, cursor: { x: Number.NaN, y: 2 }, selection: ["n1", "n2"] }],
    ]);
    const view = presenceView(states, 1);
    expect(view.peers.map((peer) => [peer.clientId, peer.name])).toEqual([
      [6, "Ada"],
      [5, "Bob"],
      [2, UNNAMED_PEER],
      [3, UNNAMED_PEER],
    ]);
    expect(view.cursors).toEqual([{ clientId: 5, name: "Bob", color: "#16a34a", x: 1, y: 2 }]);
    expect(view.remoteSelections.n1).toEqual([
      { name: "Bob", color: "#16a34a" },
      { name: "Ada", color: "#2563eb" },
    ]);
    expect(view.remoteSelections.n2).toEqual([{ name: "Ada", color: "#2563eb" }]);
  });

  it("keys selections by ids that are also names of Object's own methods", () => {
    const states = new Map<number, unknown>([
      [2, { user: { name: "Eve" }, selection: ["constructor", "toString", "hasOwnProperty", "valueOf"] }],
    ]);
    const view = presenceView(states, 1);
    for (const id of ["constructor", "toString", "hasOwnProperty", "valueOf"]) {
      expect(view.remoteSelections[id]).toEqual([{ name: "Eve", color: colourFor("Eve") }]);
    }
    // A node nobody selected finds nothing, even when its id is a method name.
    expect(presenceView(new Map(), 1).remoteSelections.constructor).toBeUndefined();
  });

  it("reuses a node's badge list when it did not change", () => {
    const states = new Map<number, unknown>([[2, { user: { name: "Bob", color: "#16a34a" }, selection: ["n1", "n2"] }]]);
    const first = presenceView(states, 1);
    states.set(3, { user: { name: "Ada", color: "#2563eb" }, selection: ["n2"] });
    const second = presenceView(states, 1, first.remoteSelections);
    expect(second.remoteSelections.n1).toBe(first.remoteSelections.n1);
    expect(second.remoteSelections.n2).not.toBe(first.remoteSelections.n2);
  });
});

describe("localPresence", () => {
  it("publishes a state that passes the same check", () => {
    const state = localPresence(`  ${"Grace ".repeat(40)}`, "not-a-colour");
    expect(Array.from(state.user.name).length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
    expect(parsePeerState(state)).toEqual({ name: state.user.name, color: state.user.color, cursor: null, selection: [] });
    expect(localPresence("", "#123456").user).toEqual({ name: UNNAMED_PEER, color: "#123456" });
  });
});
