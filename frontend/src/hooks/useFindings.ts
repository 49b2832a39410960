// Findings of the open diagram: one small store per live document, filled by live checks while
// the Checks tab is open and read by the tab and by each step's badge. Kept apart from the
// editor store so a new report re-renders only the steps whose badge changed, and a drag never
// touches it.
import { useEffect, useMemo, useRef } from "react";
import type * as Y from "yjs";
import { useStore } from "zustand";
import { createStore, type StoreApi } from "zustand/vanilla";
import { errorText } from "../api/client";
import { api } from "../api/endpoints";
import type { ValidateReport } from "../api/types";
import { badgesFor, debounce, type NodeBadge } from "../lib/findings";
import { docToContent, type DiagramContent } from "../lib/ydoc";
import { useEditor, useEditorHandle } from "../store/context";

/** How long the document must be still before it is checked again. */
export const RECHECK_MS = 800;

export interface FindingsState {
  /** idle: not checked (tab closed); checking: a request is out (the last report stays shown). */
  status: "idle" | "checking" | "ready" | "error";
  report: ValidateReport | null;
  badges: Map<string, NodeBadge>;
  error: string | null;
}

const IDLE: FindingsState = { status: "idle", report: null, badges: new Map(), error: null };
const stores = new WeakMap<Y.Doc, StoreApi<FindingsState>>();

export function findingsStoreFor(doc: Y.Doc): StoreApi<FindingsState> {
  let store = stores.get(doc);
  if (!store) {
    store = createStore<FindingsState>()(() => IDLE);
    stores.set(doc, store);
  }
  return store;
}

export type Validate = (content: DiagramContent, signal: AbortSignal) => Promise<ValidateReport>;

export interface LiveChecks {
  /** Check now (a pending debounced check is folded into this one). */
  run: () => Promise<void>;
  /** Stop listening, drop the findings: badges go with the tab. */
  stop: () => void;
}

/**
 * Re-validate `doc` `wait` ms after the last change to it, local or remote, sending the
 * document this tab shows so the findings match the screen. A newer check aborts an older one,
 * and a late answer to an older one is dropped.
 */
export function liveChecks(doc: Y.Doc, store: StoreApi<FindingsState>, validate: Validate, wait = RECHECK_MS): LiveChecks {
  let controller: AbortController | null = null;
  let sequence = 0;
  let stopped = false;

  const run = async () => {
    if (stopped) return;
    recheck.cancel();
    controller?.abort();
    const mine = ++sequence;
    const current = new AbortController();
    controller = current;
    store.setState({ status: "checking" });
    try {
      const report = await validate(docToContent(doc), current.signal);
      if (mine !== sequence || stopped) return;
      store.setState({ status: "ready", report, badges: badgesFor(report.findings), error: null });
    } catch (error) {
      if (mine !== sequence || stopped || current.signal.aborted) return;
      store.setState({ status: "error", error: errorText(error) });
    } finally {
      if (controller === current) controller = null;
    }
  };
  const recheck = debounce(() => void run(), wait);
  doc.on("update", recheck);

  return {
    run,
    stop: () => {
      stopped = true;
      doc.off("update", recheck);
      recheck.cancel();
      controller?.abort();
      store.setState(IDLE, true);
    },
  };
}

/** Live checks for the open diagram while the calling component is mounted. */
export function useLiveFindings(diagramId: number): { state: FindingsState; run: () => void } {
  const handle = useEditorHandle();
  const store = findingsStoreFor(handle.doc);
  const state = useStore(store);
  const live = useRef<LiveChecks | null>(null);
  // Not before the live document has arrived: the findings of an empty document would flash.
  const synced = useEditor((s) => s.synced || s.connection === "local");
  useEffect(() => {
    if (!synced) return;
    const checks = liveChecks(handle.doc, store, (content, signal) => api.validate(diagramId, content, signal));
    live.current = checks;
    void checks.run();
    return () => {
      checks.stop();
      live.current = null;
    };
  }, [diagramId, handle.doc, store, synced]);
  const run = useMemo(() => () => void live.current?.run(), []);
  return { state, run };
}

/** The badge of one step, or undefined; re-renders the step only when its own badge changes. */
export function useNodeBadge(id: string): NodeBadge | undefined {
  const handle = useEditorHandle();
  return useStore(findingsStoreFor(handle.doc), (state) => state.badges.get(id));
}
