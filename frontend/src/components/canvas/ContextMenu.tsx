// Right-click menus for steps, edges and the empty canvas: the same actions as the shortcuts.
import { useEffect, useRef } from "react";
import { IS_MAC, shortcutLabel, type ShortcutAction } from "../../lib/shortcuts";
import { EDGE_KINDS } from "../../lib/theme";
import { EdgePreview } from "../editor/Palette";

export type MenuTarget =
  | { type: "node"; id: string; x: number; y: number }
  | { type: "edge"; id: string; kind: string; x: number; y: number }
  | { type: "pane"; x: number; y: number };

export interface MenuItem {
  label: string;
  action?: ShortcutAction;
  danger?: boolean;
  disabled?: boolean;
  run: () => void;
}

interface Props {
  target: MenuTarget;
  readOnly: boolean;
  items: MenuItem[];
  onEdgeKind?: (kind: string) => void;
  onClose: () => void;
}

export function ContextMenu({ target, readOnly, items, onEdgeKind, onClose }: Props) {
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    (menu.current?.querySelector<HTMLButtonElement>("[aria-checked=true]") ?? menu.current?.querySelector<HTMLButtonElement>("button:not(:disabled)"))?.focus();
    const close = (event: Event) => {
      if (menu.current && event.target instanceof Node && menu.current.contains(event.target)) return;
      onClose();
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        onClose();
      }
    };
    window.addEventListener("pointerdown", close, true);
    window.addEventListener("keydown", onKey, true);
    window.addEventListener("wheel", close, true);
    return () => {
      window.removeEventListener("pointerdown", close, true);
      window.removeEventListener("keydown", onKey, true);
      window.removeEventListener("wheel", close, true);
    };
  }, [onClose]);
  return (
    <div ref={menu} className="context-menu" role="menu" style={{ left: target.x, top: target.y }}>
      {target.type === "edge" && !readOnly && onEdgeKind ? (
        <>
          <div className="menu-heading">Edge kind</div>
          {EDGE_KINDS.map((kind) => (
            <button
              key={kind.id}
              type="button"
              role="menuitemradio"
              aria-checked={target.kind === kind.id}
              className={`menu-item${target.kind === kind.id ? " is-checked" : ""}`}
              onClick={() => {
                onEdgeKind(kind.id);
                onClose();
              }}
            >
              <EdgePreview id={kind.id} />
              <span>{kind.name}</span>
            </button>
          ))}
          <div className="menu-separator" />
        </>
      ) : null}
      {items.map((item) => (
        <button
          key={item.label}
          type="button"
          role="menuitem"
          className={`menu-item${item.danger ? " is-danger" : ""}`}
          disabled={item.disabled}
          onClick={() => {
            item.run();
            onClose();
          }}
        >
          <span>{item.label}</span>
          {item.action ? <kbd className="menu-kbd">{shortcutLabel(item.action, IS_MAC)}</kbd> : null}
        </button>
      ))}
    </div>
  );
}
