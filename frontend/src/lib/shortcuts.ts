// Keyboard shortcuts: one table drives both the key handling and the `?` help overlay.

export type ShortcutAction =
  | "undo"
  | "redo"
  | "copy"
  | "cut"
  | "paste"
  | "duplicate"
  | "delete"
  | "selectAll"
  | "clearSelection"
  | "editLabel"
  | "zoomFit"
  | "zoomIn"
  | "zoomOut"
  | "tidy"
  | "toggleSnap"
  | "toggleMinimap"
  | "saveVersion"
  | "help"
  | "moveUp"
  | "moveDown"
  | "moveLeft"
  | "moveRight"
  | "nudgeUp"
  | "nudgeDown"
  | "nudgeLeft"
  | "nudgeRight"
  | "focusUp"
  | "focusDown"
  | "focusLeft"
  | "focusRight"
  | "focusNext"
  | "focusPrevious";

export interface Shortcut {
  action: ShortcutAction;
  /** Key combos like "Mod+Shift+Z"; Mod is Cmd on macOS and Ctrl elsewhere. */
  keys: string[];
  description: string;
  group: "Edit" | "Selection" | "View" | "Arrange" | "Document";
  /** Changes the document: refused on a read-only canvas. */
  edits: boolean;
}

/** Actions about the selection on the canvas: only while the canvas (not a button) has focus. */
export const CANVAS_ACTIONS: ReadonlySet<ShortcutAction> = new Set<ShortcutAction>([
  "copy",
  "cut",
  "paste",
  "duplicate",
  "delete",
  "editLabel",
  "selectAll",
  "clearSelection",
  "focusNext",
  "focusPrevious",
  "focusUp",
  "focusDown",
  "focusLeft",
  "focusRight",
  "moveUp",
  "moveDown",
  "moveLeft",
  "moveRight",
  "nudgeUp",
  "nudgeDown",
  "nudgeLeft",
  "nudgeRight",
]);

export const SHORTCUTS: readonly Shortcut[] = [
  { action: "undo", keys: ["Mod+Z"], description: "Undo", group: "Edit", edits: true },
  { action: "redo", keys: ["Mod+Shift+Z", "Mod+Y"], description: "Redo", group: "Edit", edits: true },
  { action: "copy", keys: ["Mod+C"], description: "Copy", group: "Edit", edits: false },
  { action: "cut", keys: ["Mod+X"], description: "Cut", group: "Edit", edits: true },
  { action: "paste", keys: ["Mod+V"], description: "Paste", group: "Edit", edits: true },
  { action: "duplicate", keys: ["Mod+D"], description: "Duplicate", group: "Edit", edits: true },
  { action: "delete", keys: ["Delete", "Backspace"], description: "Delete selection", group: "Edit", edits: true },
  { action: "editLabel", keys: ["Enter", "F2"], description: "Edit the label", group: "Edit", edits: true },
  { action: "selectAll", keys: ["Mod+A"], description: "Select all", group: "Selection", edits: false },
  { action: "clearSelection", keys: ["Escape"], description: "Clear selection / close", group: "Selection", edits: false },
  { action: "focusNext", keys: ["Tab"], description: "Select the next step", group: "Selection", edits: false },
  { action: "focusPrevious", keys: ["Shift+Tab"], description: "Select the previous step", group: "Selection", edits: false },
  { action: "focusUp", keys: ["Alt+ArrowUp"], description: "Select the step above", group: "Selection", edits: false },
  { action: "focusDown", keys: ["Alt+ArrowDown"], description: "Select the step below", group: "Selection", edits: false },
  { action: "focusLeft", keys: ["Alt+ArrowLeft"], description: "Select the step to the left", group: "Selection", edits: false },
  { action: "focusRight", keys: ["Alt+ArrowRight"], description: "Select the step to the right", group: "Selection", edits: false },
  { action: "moveUp", keys: ["ArrowUp"], description: "Move up one grid step", group: "Arrange", edits: true },
  { action: "moveDown", keys: ["ArrowDown"], description: "Move down one grid step", group: "Arrange", edits: true },
  { action: "moveLeft", keys: ["ArrowLeft"], description: "Move left one grid step", group: "Arrange", edits: true },
  { action: "moveRight", keys: ["ArrowRight"], description: "Move right one grid step", group: "Arrange", edits: true },
  { action: "nudgeUp", keys: ["Shift+ArrowUp"], description: "Move up five grid steps", group: "Arrange", edits: true },
  { action: "nudgeDown", keys: ["Shift+ArrowDown"], description: "Move down five grid steps", group: "Arrange", edits: true },
  { action: "nudgeLeft", keys: ["Shift+ArrowLeft"], description: "Move left five grid steps", group: "Arrange", edits: true },
  { action: "nudgeRight", keys: ["Shift+ArrowRight"], description: "Move right five grid steps", group: "Arrange", edits: true },
  { action: "tidy", keys: ["Shift+T"], description: "Tidy up the layout", group: "Arrange", edits: true },
  { action: "toggleSnap", keys: ["Shift+G"], description: "Snap to grid on / off", group: "Arrange", edits: false },
  { action: "zoomFit", keys: ["Shift+1"], description: "Zoom to fit", group: "View", edits: false },
  { action: "zoomIn", keys: ["Mod+=", "+"], description: "Zoom in", group: "View", edits: false },
  { action: "zoomOut", keys: ["Mod+-", "-"], description: "Zoom out", group: "View", edits: false },
  { action: "toggleMinimap", keys: ["Shift+M"], description: "Show / hide the minimap", group: "View", edits: false },
  { action: "saveVersion", keys: ["Mod+S"], description: "Save a version", group: "Document", edits: true },
  { action: "help", keys: ["?"], description: "Show this help", group: "Document", edits: false },
];

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

interface Combo {
  key: string;
  mod: boolean;
  shift: boolean;
  alt: boolean;
}

function parseCombo(text: string): Combo {
  // "+" alone is a key; "Mod++" never occurs, "Mod+=" does.
  const parts = text === "+" ? ["+"] : text.split("+");
  const key = parts[parts.length - 1] ?? "";
  return {
    key: key.length === 1 ? key.toLowerCase() : key,
    mod: parts.includes("Mod"),
    shift: parts.includes("Shift"),
    alt: parts.includes("Alt"),
  };
}

// Keys whose character already needs Shift on most layouts: Shift is not part of the combo.
const SHIFTED_CHARACTERS = new Set(["?", "+", "!"]);

function normaliseKey(event: KeyLike): string {
  if (event.key.length === 1) return event.key.toLowerCase();
  return event.key;
}

const COMBOS: ReadonlyArray<{ action: ShortcutAction; combo: Combo }> = SHORTCUTS.flatMap((s) =>
  s.keys.map((keys) => ({ action: s.action, combo: parseCombo(keys) })),
);

/** The action a key press asks for, or null. */
export function matchShortcut(event: KeyLike, isMac: boolean): ShortcutAction | null {
  const mod = isMac ? event.metaKey : event.ctrlKey;
  // On macOS Ctrl is not a modifier we use; elsewhere Meta (the Windows key) is not.
  if (isMac ? event.ctrlKey : event.metaKey) return null;
  let key = normaliseKey(event);
  // Shift+1 arrives as "!" on US layouts.
  if (key === "!" && event.shiftKey) key = "1";
  for (const { action, combo } of COMBOS) {
    if (combo.key !== key) continue;
    if (combo.mod !== mod || combo.alt !== event.altKey) continue;
    const shiftMatters = !SHIFTED_CHARACTERS.has(combo.key);
    if (shiftMatters && combo.shift !== event.shiftKey) continue;
    return action;
  }
  return null;
}

/** How a combo is shown in the help overlay and tooltips. */
export function formatCombo(keys: string, isMac: boolean): string[] {
  const names: Record<string, string> = {
    Mod: isMac ? "⌘" : "Ctrl",
    Shift: isMac ? "⇧" : "Shift",
    Alt: isMac ? "⌥" : "Alt",
    ArrowUp: "↑",
    ArrowDown: "↓",
    ArrowLeft: "←",
    ArrowRight: "→",
    Escape: "Esc",
    Backspace: "⌫",
    Delete: "Del",
  };
  const parts = keys === "+" ? ["+"] : keys.split("+");
  return parts.map((part) => names[part] ?? (part.length === 1 ? part.toUpperCase() : part));
}

export function shortcutLabel(action: ShortcutAction, isMac: boolean): string {
  const shortcut = SHORTCUTS.find((s) => s.action === action);
  const first = shortcut?.keys[0];
  return first ? formatCombo(first, isMac).join(isMac ? "" : "+") : "";
}

/** Typing in a field must never trigger canvas shortcuts. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== "string") return false;
  const element = target as HTMLElement;
  const tag = element.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable;
}

export const IS_MAC =
  typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
