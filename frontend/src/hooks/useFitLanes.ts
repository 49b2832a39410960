import { useReactFlow, useStoreApi } from "@xyflow/react";
import { useCallback } from "react";
import type { SopEdge, SopNode } from "../lib/flow";
import { fitLanesViewport } from "../lib/viewport";

/** Zoom to fit the whole diagram with its lane headers, aligned to the top like a document. */
export function useFitLanes() {
  const flow = useReactFlow<SopNode, SopEdge>();
  const storeApi = useStoreApi();
  return useCallback(
    (duration = 0) => {
      const { width, height } = storeApi.getState();
      if (!width || !height) return;
      void flow.setViewport(fitLanesViewport(flow.getNodes(), { width, height }), { duration });
    },
    [flow, storeApi],
  );
}
