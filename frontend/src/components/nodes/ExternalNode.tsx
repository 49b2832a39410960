import { memo } from "react";
import type { NodeProps } from "@xyflow/react";
import type { SopNode } from "../../lib/flow";
import { NodeShell } from "./NodeShell";

/** The "external" node kind; its shape, icon and size come from the shared theme. */
export const ExternalNode = memo(function ExternalNode(props: NodeProps<SopNode>) {
  return <NodeShell {...props} layout="row" />;
});
