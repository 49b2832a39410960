// Live sync: the y-websocket provider on /ws/diagrams/{id}, presence through awareness, and the
// connection state the editor shows. When the live service cannot be reached at all, the editor
// falls back to the REST content endpoint (load once, save edits with If-Match) so work is not lost.
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import type { StoreApi } from "zustand/vanilla";
import { apiRequest } from "../api/client";
import { docMakeEqual, docToContent, type DiagramContent } from "../lib/ydoc";
import { localPresence, presenceView } from "../lib/presence";
import type { EditorState } from "./editorStore";

export interface AwarenessUser {
  name: string;
  color: string;
}

export function wsBase(): string {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.host}`;
}

const SEED_ORIGIN = { name: "rest-seed" } as const;
const FALLBACK_AFTER_FAILED_ATTEMPTS = 3;

export interface SyncHandle {
  provider: WebsocketProvider | null;
  setCursor: (cursor: { x: number; y: number } | null) => void;
  setSelection: (ids: string[]) => void;
  destroy: () => void;
}

export function connectDiagram(
  diagramId: number,
  doc: Y.Doc,
  store: StoreApi<EditorState>,
  user: AwarenessUser,
): SyncHandle {
  const set = (partial: Partial<EditorState>) => store.setState(partial);
  let everSynced = false;
  let failedAttempts = 0;
  let fallback: (() => void) | null = null;
  let destroyed = false;

  const provider = new WebsocketProvider(`${wsBase()}/ws/diagrams`, String(diagramId), doc, {
    resyncInterval: 30000,
    maxBackoffTime: 5000,
  });
  const awareness = provider.awareness;
  awareness.setLocalState(localPresence(user.name, user.color));

  provider.on("status", ({ status }: { status: string }) => {
    const current = store.getState().connection;
    if (current === "denied" || current === "local") return;
    // The browser knows it has no network at all: say offline rather than "reconnecting".
    if (!navigator.onLine) set({ connection: "offline" });
    else if (status === "connected") set({ connection: everSynced ? "reconnecting" : "connecting" });
    else if (status === "disconnected") set({ connection: everSynced ? "offline" : "connecting" });
    else if (status === "connecting" && everSynced) set({ connection: "reconnecting" });
  });
  const onBrowserOffline = () => {
    const current = store.getState().connection;
    if (current !== "denied" && current !== "local") set({ connection: "offline" });
  };
  window.addEventListener("offline", onBrowserOffline);
  provider.on("sync", (isSynced: boolean) => {
    if (!isSynced) return;
    everSynced = true;
    failedAttempts = 0;
    set({ connection: "online", synced: true, pendingEdits: 0 });
  });
  provider.on("connection-close", (event: CloseEvent | null) => {
    if (event && event.code >= 4400 && event.code < 4500) {
      set({ connection: "denied", synced: false });
      return;
    }
    if (!everSynced) {
      failedAttempts += 1;
      if (failedAttempts >= FALLBACK_AFTER_FAILED_ATTEMPTS && !fallback && !destroyed) {
        fallback = startRestFallback(diagramId, doc, store, provider);
      }
    }
  });

  // Local edits made while not connected wait for the next sync; show how many.
  const onUpdate = (_update: Uint8Array, origin: unknown) => {
    if (origin === provider || origin === SEED_ORIGIN) return;
    const state = store.getState();
    if (state.connection !== "online" && state.connection !== "local") {
      set({ pendingEdits: state.pendingEdits + 1 });
    }
  };
  doc.on("update", onUpdate);

  const onAwareness = () => {
    store.setState(presenceView(awareness.getStates(), doc.clientID, store.getState().remoteSelections));
  };
  awareness.on("change", onAwareness);

  let cursorTimer: ReturnType<typeof setTimeout> | null = null;
  let pendingCursor: { x: number; y: number } | null = null;

  return {
    provider,
    setCursor: (cursor) => {
      pendingCursor = cursor;
      if (cursorTimer) return;
      cursorTimer = setTimeout(() => {
        cursorTimer = null;
        awareness.setLocalStateField("cursor", pendingCursor);
      }, 40);
    },
    setSelection: (ids) => awareness.setLocalStateField("selection", ids),
    destroy: () => {
      destroyed = true;
      if (cursorTimer) clearTimeout(cursorTimer);
      awareness.off("change", onAwareness);
      window.removeEventListener("offline", onBrowserOffline);
      doc.off("update", onUpdate);
      fallback?.();
      provider.destroy();
    },
  };
}

/** Load the content over HTTP and save local edits back with PUT + If-Match, debounced. */
function startRestFallback(
  diagramId: number,
  doc: Y.Doc,
  store: StoreApi<EditorState>,
  provider: WebsocketProvider,
): () => void {
  provider.disconnect();
  let etag = "";
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  const url = `/api/diagrams/${diagramId}/content`;

  const save = async () => {
    timer = null;
    if (stopped) return;
    try {
      const response = await fetch(url, {
        method: "PUT",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": document.cookie.match(/csrftoken=([^;]+)/)?.[1] ?? "",
          ...(etag ? { "If-Match": etag } : {}),
        },
        body: JSON.stringify(docToContent(doc)),
      });
      if (response.ok) {
        etag = response.headers.get("ETag") ?? "";
        store.setState({ pendingEdits: 0 });
      } else if (response.status === 412) {
        const fresh = await apiRequest<DiagramContent>(url);
        docMakeEqual(doc, fresh, SEED_ORIGIN);
        store.setState({ pendingEdits: 0 });
      }
    } catch {
      timer = setTimeout(() => void save(), 3000);
    }
  };

  const onUpdate = (_update: Uint8Array, origin: unknown) => {
    if (origin === SEED_ORIGIN || store.getState().readOnly) return;
    store.setState({ pendingEdits: store.getState().pendingEdits + 1 });
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void save(), 600);
  };

  void (async () => {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      etag = response.headers.get("ETag") ?? "";
      const content = (await response.json()) as DiagramContent;
      if (stopped) return;
      docMakeEqual(doc, content, SEED_ORIGIN);
      store.setState({ connection: "local", synced: true, pendingEdits: 0 });
      doc.on("update", onUpdate);
    } catch {
      store.setState({ connection: "offline" });
    }
  })();

  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    doc.off("update", onUpdate);
  };
}
