// One component per node kind, keyed by the kind ids of the shared theme.
import type { NodeTypes } from "@xyflow/react";
import { NODE_KINDS } from "../../lib/theme";
import { AlertNode } from "./AlertNode";
import { DatastoreNode } from "./DatastoreNode";
import { DecisionNode } from "./DecisionNode";
import { EndNode } from "./EndNode";
import { ExternalNode } from "./ExternalNode";
import { NoteNode } from "./NoteNode";
import { ProcessNode } from "./ProcessNode";
import { StartNode } from "./StartNode";

const components: Record<string, NodeTypes[string]> = {
  start: StartNode,
  process: ProcessNode,
  decision: DecisionNode,
  datastore: DatastoreNode,
  external: ExternalNode,
  alert: AlertNode,
  note: NoteNode,
  end: EndNode,
};

/** Kinds the theme defines that have no component yet fall back to the process step. */
export const nodeTypes: NodeTypes = Object.fromEntries(
  NODE_KINDS.map((kind) => [kind.id, components[kind.id] ?? ProcessNode]),
);

export const missingNodeComponents = (): string[] =>
  NODE_KINDS.map((kind) => kind.id).filter((id) => !(id in components));
