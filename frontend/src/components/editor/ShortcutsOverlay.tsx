import { IS_MAC, SHORTCUTS, formatCombo, type Shortcut } from "../../lib/shortcuts";
import { Modal } from "../ui/Modal";

const GROUPS: Shortcut["group"][] = ["Edit", "Selection", "Arrange", "View", "Document"];

export function ShortcutsOverlay({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} width={980}>
      <div className="shortcut-grid">
        {GROUPS.map((group) => (
          <section key={group} className="shortcut-group">
            <h3>{group}</h3>
            <dl>
              {SHORTCUTS.filter((s) => s.group === group).map((shortcut) => (
                <div key={shortcut.action} className="shortcut-row">
                  <dt>{shortcut.description}</dt>
                  <dd>
                    {shortcut.keys.map((combo, index) => (
                      <span key={combo} className="combo">
                        {index > 0 ? <span className="or">or</span> : null}
                        {formatCombo(combo, IS_MAC).map((key) => (
                          <kbd key={key}>{key}</kbd>
                        ))}
                      </span>
                    ))}
                  </dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
        <section className="shortcut-group">
          <h3>Mouse</h3>
          <dl>
            <div className="shortcut-row"><dt>Rename a step</dt><dd>Double-click</dd></div>
            <div className="shortcut-row"><dt>Connect</dt><dd>Drag from a side dot</dd></div>
            <div className="shortcut-row"><dt>Select an area</dt><dd><kbd>{IS_MAC ? "⇧" : "Shift"}</kbd> + drag</dd></div>
            <div className="shortcut-row"><dt>Add to selection</dt><dd><kbd>{IS_MAC ? "⌘" : "Ctrl"}</kbd> + click</dd></div>
            <div className="shortcut-row"><dt>Pan</dt><dd>Drag the background</dd></div>
            <div className="shortcut-row"><dt>Zoom</dt><dd>Scroll wheel / pinch</dd></div>
          </dl>
        </section>
      </div>
    </Modal>
  );
}
