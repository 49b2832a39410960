import { createContext, useContext } from "react";
import { useStore } from "zustand";
import type { EditorState, EditorStoreHandle } from "./editorStore";

export const EditorContext = createContext<EditorStoreHandle | null>(null);

export function useEditorHandle(): EditorStoreHandle {
  const handle = useContext(EditorContext);
  if (!handle) throw new Error("useEditorHandle outside an EditorContext");
  return handle;
}

export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(useEditorHandle().store, selector);
}
