// @vitest-environment happy-dom
import { ReactFlowProvider } from "@xyflow/react";
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import type { Finding, ValidateReport } from "../../api/types";
import { addElements, docToContent, type NodeRecord } from "../../lib/ydoc";
import { EditorContext } from "../../store/context";
import { createEditorStore, type EditorStoreHandle } from "../../store/editorStore";
import { useToasts } from "../ui/Feedback";
import { ChecksPanel } from "./ChecksPanel";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const node = (id: string): NodeRecord => ({ id, kind: "process", stage: "model", label: id, description: "", x: 0, y: 0, w: 200, h: 72, fields: {} });
const RULES = Array.from({ length: 20 }, (_, i) => ({ id: `SOP${String(i + 1).padStart(3, "0")}`, name: "", title: "", severity: "error", description: "" }));

const VERSION_FINDING: Finding = {
  rule: "SOP008",
  severity: "error",
  message: "The model step “model” does not name its model version.",
  refs: ["model"],
  fix: [{ op: "set_field", id: "model", key: "modelVersion", value: "TODO: model version" }],
};
const CROSSINGS: Finding = { rule: "SOP015", severity: "info", message: "Edges cross 3 times.", refs: [] };

let container: HTMLDivElement;
let root: Root;
let handle: EditorStoreHandle;
let answer: () => Response;

function report(findings: Finding[]): ValidateReport {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return { findings, counts };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

async function mount(readOnly: boolean, synced = true) {
  const doc = new Y.Doc();
  addElements(doc, [node("model")], [], null);
  handle = createEditorStore(doc, { readOnly });
  handle.store.setState({ synced });
  await act(async () => {
    root.render(
      <EditorContext.Provider value={handle}>
        <ReactFlowProvider>
          <ChecksPanel diagramId={7} />
        </ReactFlowProvider>
      </EditorContext.Provider>,
    );
  });
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

const text = () => container.textContent ?? "";
const buttons = (name: string) => [...container.querySelectorAll("button")].filter((b) => b.textContent?.trim() === name);

beforeEach(() => {
  container = document.createElement("div");
  document.body.appendChild(container);
  root = createRoot(container);
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string) => (String(path).endsWith("/rules") ? json(RULES) : answer())),
  );
});

afterEach(() => {
  act(() => root.unmount());
  handle.destroy();
  container.remove();
  vi.unstubAllGlobals();
  useToasts.setState({ toasts: [] });
});

describe("ChecksPanel", () => {
  it("sends what the tab shows, counts by severity, and offers Fix only where a fix exists", async () => {
    answer = () => json(report([VERSION_FINDING, CROSSINGS]));
    await mount(false);
    const [path, init] = vi.mocked(fetch).mock.calls.find(([p]) => String(p).includes("/validate"))!;
    expect(path).toBe("/api/diagrams/7/validate");
    expect(JSON.parse(String(init!.body))).toEqual(docToContent(handle.doc));
    expect(container.querySelector("[data-severity=error] strong")?.textContent).toBe("1");
    expect(container.querySelector("[data-severity=info] strong")?.textContent).toBe("1");
    expect(container.querySelector(".finding[data-rule=SOP008]")?.textContent).toContain("does not name its model version");
    expect(buttons("Fix")).toHaveLength(1);
    expect(container.querySelector(".finding[data-rule=SOP015] .finding-main")).toHaveProperty("disabled", true);
  });

  it("shows the first 100 findings of a severity until asked for all", async () => {
    const many = Array.from({ length: 130 }, (_, i): Finding => ({ rule: "SOP012", severity: "warning", message: `Label ${i} is long`, refs: [`n${i}`] }));
    answer = () => json(report(many));
    await mount(false);
    expect(container.querySelectorAll(".finding")).toHaveLength(100);
    await act(async () => buttons("Show all 130")[0]!.click());
    expect(container.querySelectorAll(".finding")).toHaveLength(130);
  });

  it("waits for the live document before the first check", async () => {
    answer = () => json(report([VERSION_FINDING]));
    await mount(false, false);
    const validations = () => vi.mocked(fetch).mock.calls.filter(([p]) => String(p).includes("/validate")).length;
    expect(validations()).toBe(0);
    expect(text()).toContain("Running the checks");
    await act(async () => handle.store.setState({ synced: true }));
    await act(async () => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(validations()).toBe(1);
    expect(container.querySelector(".finding[data-rule=SOP008]")).not.toBeNull();
  });

  it("shows findings but no Fix buttons to a viewer", async () => {
    answer = () => json(report([VERSION_FINDING]));
    await mount(true);
    expect(container.querySelector(".finding[data-rule=SOP008]")).not.toBeNull();
    expect(buttons("Fix")).toHaveLength(0);
    expect(text()).toContain("Only owners and editors can apply fixes.");
  });

  it("says plainly when the SOP passes every check", async () => {
    answer = () => json(report([]));
    await mount(false);
    expect(text()).toContain("No findings — this SOP passes all 20 checks");
  });

  it("says what failed when the checks cannot run, and retries", async () => {
    answer = () => json({ code: "invalid", detail: "nodes[0].x: must be a finite number" }, 400);
    await mount(false);
    expect(text()).toContain("The checks could not run: nodes[0].x: must be a finite number");
    answer = () => json(report([]));
    await act(async () => buttons("Try again")[0]!.click());
    await act(async () => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(text()).toContain("No findings");
  });

  it("applies a fix to the live document, and refuses one naming an unknown id without touching it", async () => {
    const ghost: Finding = { ...VERSION_FINDING, rule: "SOP009", fix: [{ op: "set_field", id: "ghost", key: "owner", value: "x" }] };
    answer = () => json(report([VERSION_FINDING, ghost]));
    await mount(false);
    const before = docToContent(handle.doc);
    await act(async () => container.querySelector<HTMLButtonElement>(".finding[data-rule=SOP009] .finding-fix")!.click());
    expect(docToContent(handle.doc)).toEqual(before);
    expect(useToasts.getState().toasts.at(-1)?.text).toContain("nothing changed: changes[0].id: no node has id 'ghost'");
    await act(async () => container.querySelector<HTMLButtonElement>(".finding[data-rule=SOP008] .finding-fix")!.click());
    expect(docToContent(handle.doc).nodes[0]!.fields).toEqual({ modelVersion: "TODO: model version" });
    expect(handle.undoManager.undoStack).toHaveLength(1);
  });
});
