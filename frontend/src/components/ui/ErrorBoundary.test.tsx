// @vitest-environment happy-dom
import { act, useState } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { createEditorStore, type EditorStoreHandle, type PeerInfo } from "../../store/editorStore";
import { EditorContext } from "../../store/context";
import { PresenceList } from "../editor/Presence";
import { ErrorBoundary } from "./ErrorBoundary";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
let root: Root;

beforeEach(() => {
  container = document.createElement("div");
  document.body.appendChild(container);
  root = createRoot(container);
  // React and the boundary both report a caught error on the console; keep the run readable.
  vi.spyOn(console, "error").mockImplementation(() => {});
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
  vi.restoreAllMocks();
});

const failing = { now: true };

function Flaky() {
  if (failing.now) throw new TypeError("e.trim is not a function");
  return <p className="panel-body">Inspector content</p>;
}

/** Stands in for the canvas: state that must survive a neighbour's failure. */
function Canvas() {
  const [clicks, setClicks] = useState(0);
  return (
    <button type="button" className="canvas" onClick={() => setClicks((n) => n + 1)}>
      canvas {clicks}
    </button>
  );
}

function render(ui: React.ReactNode) {
  act(() => root.render(ui));
}

function click(selector: string) {
  const element = container.querySelector<HTMLElement>(selector);
  if (!element) throw new Error(`nothing matches ${selector}`);
  act(() => element.click());
}

function buttonNamed(text: string): HTMLButtonElement {
  const button = [...container.querySelectorAll("button")].find((b) => b.textContent?.includes(text));
  if (!button) throw new Error(`no button ${text}`);
  return button;
}

describe("ErrorBoundary", () => {
  it("shows a small fallback for a panel that throws and leaves its neighbours running", () => {
    failing.now = true;
    render(
      <>
        <Canvas />
        <ErrorBoundary name="Inspector">
          <Flaky />
        </ErrorBoundary>
      </>,
    );
    const fallback = container.querySelector("[data-boundary=Inspector]");
    expect(fallback?.textContent).toContain("Inspector failed");
    expect(fallback?.getAttribute("role")).toBe("alert");
    click(".canvas");
    click(".canvas");
    expect(container.querySelector(".canvas")?.textContent).toBe("canvas 2");
    expect(console.error).toHaveBeenCalled();
  });

  it("reloads the panel from scratch, keeping the neighbours' state", () => {
    failing.now = true;
    render(
      <>
        <Canvas />
        <ErrorBoundary name="Versions">
          <Flaky />
        </ErrorBoundary>
      </>,
    );
    click(".canvas");
    failing.now = false;
    act(() => buttonNamed("Reload panel").click());
    expect(container.querySelector(".panel-body")?.textContent).toBe("Inspector content");
    expect(container.querySelector("[data-boundary]")).toBeNull();
    expect(container.querySelector(".canvas")?.textContent).toBe("canvas 1");
  });

  it("offers to close a failed dialog", () => {
    failing.now = true;
    const onDismiss = vi.fn();
    render(
      <ErrorBoundary name="Export" onDismiss={onDismiss}>
        <Flaky />
      </ErrorBoundary>,
    );
    expect(container.querySelector(".boundary-panel.is-floating")).not.toBeNull();
    act(() => buttonNamed("Close").click());
    expect(onDismiss).toHaveBeenCalledOnce();
  });

  it("puts a toolbar slot's failure in a small button that reloads it", () => {
    failing.now = true;
    render(
      <ErrorBoundary name="People here" variant="inline">
        <Flaky />
      </ErrorBoundary>,
    );
    expect(container.querySelector("button.boundary-inline[data-boundary='People here']")).not.toBeNull();
    failing.now = false;
    click("button.boundary-inline");
    expect(container.querySelector(".panel-body")).not.toBeNull();
  });

  it("replaces a failed page with a way back instead of a blank screen", () => {
    failing.now = true;
    render(
      <ErrorBoundary name="SOP Studio" variant="page">
        <Flaky />
      </ErrorBoundary>,
    );
    expect(container.querySelector("[data-boundary=app]")?.textContent).toContain("This page failed to display");
    expect(buttonNamed("Reload page")).toBeTruthy();
    expect(buttonNamed("All diagrams")).toBeTruthy();
  });
});

describe("the presence list behind its boundary", () => {
  let handle: EditorStoreHandle;

  beforeEach(() => {
    handle = createEditorStore(new Y.Doc(), { readOnly: false });
  });

  afterEach(() => handle.destroy());

  function renderPresence() {
    render(
      <EditorContext.Provider value={handle}>
        <Canvas />
        <ErrorBoundary name="People here" variant="inline">
          <PresenceList me={{ name: "Ada", color: "#2563eb" }} />
        </ErrorBoundary>
      </EditorContext.Provider>,
    );
  }

  it("renders the people it is given", () => {
    handle.store.setState({ peers: [{ clientId: 2, name: "Bob Builder", color: "#16a34a", selection: [] }] });
    renderPresence();
    expect(container.querySelector("[data-peer='Bob Builder']")?.textContent).toBe("BB");
    expect(container.querySelector("[data-boundary]")).toBeNull();
  });

  it("contains the crash of the report if a name ever reached it unchecked", () => {
    // What the store held before the validator: a peer's raw `{"user": {"name": 0}}`.
    const raw = { clientId: 2, name: 0, color: "#16a34a", selection: [] } as unknown as PeerInfo;
    handle.store.setState({ peers: [raw] });
    renderPresence();
    expect(container.querySelector("[data-boundary='People here']")).not.toBeNull();
    click(".canvas");
    expect(container.querySelector(".canvas")?.textContent).toBe("canvas 1");
  });
});
