import { memo } from "react";
import type { NodeProps } from "@xyflow/react";
import type { SopNode } from "../../lib/flow";
import { NodeShell } from "./NodeShell";

/** The "start" node kind; its shape, icon and size come from the shared theme. */
export const StartNode = memo(function StartNode(props: NodeProps<SopNode>) {
  return <NodeShell {...props} layout="row" />;
});
