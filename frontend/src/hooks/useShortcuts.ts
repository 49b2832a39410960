import { useEffect, useRef } from "react";
import { CANVAS_ACTIONS, IS_MAC, SHORTCUTS, isTypingTarget, matchShortcut, type ShortcutAction } from "../lib/shortcuts";

/**
 * Route key presses to actions. Ignored while typing in a field or while a dialog is open;
 * actions that edit are dropped on a read-only canvas.
 */
export function useShortcuts(
  /** A handler returning false did not use the key (its default action goes ahead). */
  handlers: Partial<Record<ShortcutAction, () => boolean | void>>,
  options: { readOnly: boolean; enabled: boolean },
) {
  const latest = useRef(handlers);
  latest.current = handlers;
  const settings = useRef(options);
  settings.current = options;

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!settings.current.enabled || event.defaultPrevented) return;
      if (isTypingTarget(event.target)) return;
      if (document.querySelector(".modal-backdrop")) return;
      const action = matchShortcut(event, IS_MAC);
      if (!action) return;
      const onCanvas =
        event.target === document.body ||
        (event.target instanceof Element && event.target.closest(".canvas-wrap") !== null);
      if (CANVAS_ACTIONS.has(action) && !onCanvas) return;
      const shortcut = SHORTCUTS.find((s) => s.action === action);
      if (shortcut?.edits && settings.current.readOnly && action !== "saveVersion") return;
      const handler = latest.current[action];
      if (!handler) return;
      if (handler() !== false) event.preventDefault();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}
