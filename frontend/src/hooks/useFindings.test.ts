import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import type { ValidateReport } from "../api/types";
import { addElements, updateNode, type NodeRecord } from "../lib/ydoc";
import { RECHECK_MS, findingsStoreFor, liveChecks } from "./useFindings";

const REMOTE = { name: "remote" };
const node = (id: string): NodeRecord => ({ id, kind: "process", stage: "model", label: id, description: "", x: 0, y: 0, w: 200, h: 72, fields: {} });

function report(labels: string[]): ValidateReport {
  return {
    findings: labels.map((label) => ({ rule: "SOP008", severity: "error", message: `${label} has no version`, refs: ["m"] })),
    counts: { error: labels.length, warning: 0, info: 0 },
  };
}

function setup() {
  const doc = new Y.Doc();
  addElements(doc, [node("m")], [], REMOTE);
  const store = findingsStoreFor(doc);
  const seen: string[] = [];
  const validate = vi.fn(async (content: { nodes: Array<{ label: string }> }) => {
    seen.push(content.nodes[0]!.label);
    return report([content.nodes[0]!.label]);
  });
  return { doc, store, validate, seen };
}

describe("live checks", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("re-checks the document the tab shows once, 800 ms after a burst of local and remote edits", async () => {
    const { doc, store, validate, seen } = setup();
    const live = liveChecks(doc, store, validate);
    await live.run();
    expect(store.getState().badges.get("m")?.count).toBe(1);
    updateNode(doc, "m", { label: "local" });
    vi.advanceTimersByTime(RECHECK_MS - 100);
    updateNode(doc, "m", { label: "remote" }, REMOTE);
    vi.advanceTimersByTime(RECHECK_MS - 1);
    expect(validate).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(validate).toHaveBeenCalledTimes(2);
    expect(seen).toEqual(["m", "remote"]);
    expect(store.getState().report?.findings[0]?.message).toBe("remote has no version");
    live.stop();
  });

  it("drops a late answer to an older check", async () => {
    const { doc, store } = setup();
    const answers: Array<(value: ValidateReport) => void> = [];
    const validate = vi.fn(() => new Promise<ValidateReport>((resolve) => answers.push(resolve)));
    const live = liveChecks(doc, store, validate);
    const first = live.run();
    const second = live.run();
    answers[1]!(report(["new"]));
    await second;
    answers[0]!(report(["old"]));
    await first;
    expect(store.getState().report?.findings[0]?.message).toBe("new has no version");
    live.stop();
  });

  it("shows what failed, and stops (badges gone) when the tab closes", async () => {
    const { doc, store } = setup();
    const live = liveChecks(doc, store, () => Promise.reject(new Error("The server answered 500.")));
    await live.run();
    expect(store.getState()).toMatchObject({ status: "error", error: "The server answered 500." });
    live.stop();
    expect(store.getState()).toMatchObject({ status: "idle", report: null, error: null });
    expect(store.getState().badges.size).toBe(0);
    updateNode(doc, "m", { label: "after" });
    await vi.advanceTimersByTimeAsync(RECHECK_MS * 2);
    expect(store.getState().status).toBe("idle");
  });
});
