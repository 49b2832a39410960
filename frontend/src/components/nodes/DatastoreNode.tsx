import { memo } from "react";
import type { NodeProps } from "@xyflow/react";
import type { SopNode } from "../../lib/flow";
import { NodeShell } from "./NodeShell";

/** The "datastore" node kind; its shape, icon and size come from the shared theme. */
export const DatastoreNode = memo(function DatastoreNode(props: NodeProps<SopNode>) {
  return <NodeShell {...props} layout="row" />;
});
