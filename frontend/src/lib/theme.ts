// The one shared theme (stages, node kinds, edge kinds, fields, icons, lane layout) lives in
// apps/diagrams/sop_theme.json; the server renderer and validator read the same file. Nothing
// here re-declares it: the types are derived from the JSON and the lookups are built from it.
import themeJson from "../../../apps/diagrams/sop_theme.json";

export const theme = themeJson;

export type Stage = (typeof themeJson.stages)[number];
export type NodeKind = (typeof themeJson.nodeKinds)[number];
export type EdgeKind = (typeof themeJson.edgeKinds)[number];
export type FieldSpec = (typeof themeJson.fields)[number] & { placeholder?: string };
export type StageId = Stage["id"];
export type NodeKindId = NodeKind["id"];
export type EdgeKindId = EdgeKind["id"];
export type IconName = keyof typeof themeJson.icons;
export type NodeShape = NodeKind["shape"];
export type FieldType = FieldSpec["type"];

export const LAYOUT = themeJson.layout;
export const LIMITS = themeJson.limits;
export const STAGES: readonly Stage[] = themeJson.stages;
export const NODE_KINDS: readonly NodeKind[] = themeJson.nodeKinds;
export const EDGE_KINDS: readonly EdgeKind[] = themeJson.edgeKinds;
export const FIELDS: readonly FieldSpec[] = themeJson.fields;

const stageById = new Map(STAGES.map((stage) => [stage.id, stage]));
const kindById = new Map(NODE_KINDS.map((kind) => [kind.id, kind]));
const edgeKindById = new Map(EDGE_KINDS.map((kind) => [kind.id, kind]));

export function isStageId(value: unknown): value is StageId {
  return typeof value === "string" && stageById.has(value);
}

export function isNodeKindId(value: unknown): value is NodeKindId {
  return typeof value === "string" && kindById.has(value);
}

export function isEdgeKindId(value: unknown): value is EdgeKindId {
  return typeof value === "string" && edgeKindById.has(value);
}

/** The stage, or the first stage for an unknown id (a newer document seen by an older editor). */
export function stageOf(id: string): Stage {
  return stageById.get(id) ?? (STAGES[0] as Stage);
}

export function nodeKindOf(id: string): NodeKind {
  return kindById.get(id) ?? (kindById.get("process") as NodeKind);
}

export function edgeKindOf(id: string): EdgeKind {
  return edgeKindById.get(id) ?? (EDGE_KINDS[0] as EdgeKind);
}

export function stageIndex(id: string): number {
  const index = STAGES.findIndex((stage) => stage.id === id);
  return index < 0 ? 0 : index;
}

export function iconPath(name: string): string {
  return (themeJson.icons as Record<string, string>)[name] ?? "";
}

/** The structured fields a node of this stage records, in the theme's order. */
export function fieldsForStage(stageId: string): FieldSpec[] {
  return FIELDS.filter(
    (spec) => spec.stages === "*" || (Array.isArray(spec.stages) && spec.stages.includes(stageId)),
  );
}

/** Lane geometry: lane i spans x from i*laneWidth to (i+1)*laneWidth. */
export function laneIndexAt(x: number): number {
  const index = Math.floor(x / LAYOUT.laneWidth);
  return Math.min(STAGES.length - 1, Math.max(0, index));
}

export function stageAt(x: number): Stage {
  return STAGES[laneIndexAt(x)] as Stage;
}

export function laneLeft(stageId: string): number {
  return stageIndex(stageId) * LAYOUT.laneWidth;
}

export const LANES_WIDTH = STAGES.length * LAYOUT.laneWidth;
