// The API's shapes as the server publishes them. `schema.d.ts` is generated from /api/schema/
// (`make api-types`; `make test` fails when it is stale), and every type here is read from it
// by operation, so a field the server adds or renames is a type error in the editor until it
// is handled. Nothing is re-typed by hand.
import type { components, paths } from "./schema";
import type { DiffResult } from "../lib/diff";

type Schemas = components["schemas"];
type Success = 200 | 201 | 202;
type JsonOf<T> = T extends { content: { "application/json": infer Body } } ? Body : never;

/** The JSON a successful call of `method` on `path` answers with. */
export type Answer<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R }
  ? JsonOf<R[keyof R & Success]>
  : never;

/** The JSON body `method` on `path` takes. */
export type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { "application/json": infer B } };
}
  ? B
  : never;

/**
 * The schema gives document keys with a default as optional, because a client may leave them
 * out; every answer of the server carries them all (the projection fills the defaults).
 */
type Complete<T> = T extends readonly (infer Item)[]
  ? Complete<Item>[]
  : T extends object
    ? { [K in keyof T]-?: Complete<T[K]> }
    : T;

// The document, `sop-diagram/1`, as every answer carries it.
export type SopDiagram = Complete<Answer<"/api/diagrams/{diagram_id}/content", "get">>;
export type DiagramMeta = SopDiagram["meta"];
export type DiagramNode = SopDiagram["nodes"][number];
export type DiagramEdge = SopDiagram["edges"][number];
export type GlossaryEntry = DiagramMeta["glossary"][number];

export type Me = Answer<"/api/me/", "get">;
export type Workspace = Answer<"/api/workspaces/{workspace_id}/", "get">;
export type Role = Workspace["role"];
export type Member = Answer<"/api/workspaces/{workspace_id}/members/", "post">;
export type Diagram = Answer<"/api/diagrams/{diagram_id}/", "get">;
export type DiagramSummary = Diagram;
export type DiagramPage = Answer<"/api/diagrams/", "get">;
export type TemplateSummary = Answer<"/api/templates/", "get">[number];
export type Version = Answer<"/api/diagrams/{diagram_id}/versions/", "post">;
export type VersionPage = Answer<"/api/diagrams/{diagram_id}/versions/", "get">;
export type VersionDetail = Omit<Answer<"/api/diagrams/{diagram_id}/versions/{number}/", "get">, "content"> & {
  content: SopDiagram;
};
export type ExportRequest = Body<"/api/diagrams/{diagram_id}/exports/", "post">;
export type ExportFormat = ExportRequest["format"];
/** The export dialog always sends every option. */
export type ExportOptions = Required<NonNullable<ExportRequest["options"]>>;
export type ExportJob = Answer<"/api/exports/{job_id}", "get">;
export type ImportRequest = Body<"/api/diagrams/import", "post">;
/** Every 4xx answer: `{"code", "detail", "field"?}`. */
export type ApiErrorBody = Schemas["Error"];

// The diff's changes are described loosely by the schema; the editor's own type of them must
// still cover every key of the answer, so a new one is an error here.
type Unlisted<T, Listed> = Exclude<keyof T, Listed>;
export const DIFF_KEYS_COMPLETE: [Unlisted<Answer<"/api/diagrams/{diagram_id}/diff", "get">, keyof DiffResult>] extends [never]
  ? true
  : never = true;
export type { DiffResult };

export function canEdit(role: Role | undefined): boolean {
  return role === "owner" || role === "editor";
}

// Validation (SOP lint): the report of `POST /api/diagrams/{id}/validate` and one finding.
export type ValidateReport = Answer<"/api/diagrams/{diagram_id}/validate", "post">;
export type Finding = ValidateReport["findings"][number];
export type Severity = Finding["severity"];
export type LintRule = Answer<"/api/assistant/rules", "get">[number];
