import { describe, expect, it } from "vitest";
import { SHORTCUTS, formatCombo, isTypingTarget, matchShortcut, type KeyLike } from "./shortcuts";

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe("shortcut handling", () => {
  it("uses Ctrl on Linux and Windows and Cmd on macOS for Mod", () => {
    expect(matchShortcut(key("z", { ctrlKey: true }), false)).toBe("undo");
    expect(matchShortcut(key("z", { metaKey: true }), true)).toBe("undo");
    expect(matchShortcut(key("z", { metaKey: true }), false)).toBeNull();
    expect(matchShortcut(key("z", { ctrlKey: true }), true)).toBeNull();
  });

  it("tells redo from undo by Shift, and accepts Ctrl+Y", () => {
    expect(matchShortcut(key("Z", { ctrlKey: true, shiftKey: true }), false)).toBe("redo");
    expect(matchShortcut(key("y", { ctrlKey: true }), false)).toBe("redo");
  });

  it("moves with arrows, moves further with Shift and selects neighbours with Alt", () => {
    expect(matchShortcut(key("ArrowLeft"), false)).toBe("moveLeft");
    expect(matchShortcut(key("ArrowLeft", { shiftKey: true }), false)).toBe("nudgeLeft");
    expect(matchShortcut(key("ArrowDown", { altKey: true }), false)).toBe("focusDown");
    expect(matchShortcut(key("Tab"), false)).toBe("focusNext");
    expect(matchShortcut(key("Tab", { shiftKey: true }), false)).toBe("focusPrevious");
  });

  it("opens help on ? whether or not the layout needs Shift for it", () => {
    expect(matchShortcut(key("?", { shiftKey: true }), false)).toBe("help");
    expect(matchShortcut(key("?"), false)).toBe("help");
  });

  it("fits the view on Shift+1 even when the key arrives as !", () => {
    expect(matchShortcut(key("!", { shiftKey: true }), false)).toBe("zoomFit");
    expect(matchShortcut(key("1", { shiftKey: true }), false)).toBe("zoomFit");
  });

  it("deletes with Delete and Backspace, but plain letters do nothing", () => {
    expect(matchShortcut(key("Delete"), false)).toBe("delete");
    expect(matchShortcut(key("Backspace"), false)).toBe("delete");
    expect(matchShortcut(key("a"), false)).toBeNull();
    expect(matchShortcut(key("a", { ctrlKey: true }), false)).toBe("selectAll");
  });

  it("has no two shortcuts on the same combination", () => {
    const combos = SHORTCUTS.flatMap((s) => s.keys);
    expect(new Set(combos).size).toBe(combos.length);
  });

  it("marks the actions that change the document", () => {
    const edits = new Set(SHORTCUTS.filter((s) => s.edits).map((s) => s.action));
    expect(edits.has("delete")).toBe(true);
    expect(edits.has("paste")).toBe(true);
    expect(edits.has("copy")).toBe(false);
    expect(edits.has("zoomFit")).toBe(false);
  });

  it("shows combos with the platform's key names", () => {
    expect(formatCombo("Mod+Shift+Z", true)).toEqual(["⌘", "⇧", "Z"]);
    expect(formatCombo("Mod+Shift+Z", false)).toEqual(["Ctrl", "Shift", "Z"]);
  });

  it("ignores keys typed into fields", () => {
    expect(isTypingTarget({ tagName: "INPUT", isContentEditable: false } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: "TEXTAREA", isContentEditable: false } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: "DIV", isContentEditable: true } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: "DIV", isContentEditable: false } as unknown as EventTarget)).toBe(false);
  });
});

describe("shortcut scope", () => {
  it("acts on the selection only from the canvas, but undo and help work anywhere", async () => {
    const { CANVAS_ACTIONS } = await import("./shortcuts");
    expect(CANVAS_ACTIONS.has("delete")).toBe(true);
    expect(CANVAS_ACTIONS.has("focusNext")).toBe(true);
    expect(CANVAS_ACTIONS.has("undo")).toBe(false);
    expect(CANVAS_ACTIONS.has("help")).toBe(false);
  });
});
