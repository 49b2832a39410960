// Every server call the editor makes, in one place.
import type { DiagramContent } from "../lib/ydoc";
import { apiRequest } from "./client";
import type {
  Answer,
  DiagramPage,
  DiagramSummary,
  DiffResult,
  ExportJob,
  ExportRequest,
  ImportRequest,
  LintRule,
  Me,
  TemplateSummary,
  ValidateReport,
  Version,
  VersionDetail,
  VersionPage,
  Workspace,
} from "./types";

export const api = {
  me: () => apiRequest<Me>("/api/me/"),
  workspaces: () => apiRequest<Answer<"/api/workspaces/", "get">>("/api/workspaces/"),
  createWorkspace: (name: string) =>
    apiRequest<Workspace>("/api/workspaces/", { method: "POST", body: { name } }),
  templates: () => apiRequest<TemplateSummary[]>("/api/templates/"),
  diagrams: (params: { workspace?: number; search?: string; ordering?: string; limit?: number }, signal?: AbortSignal) => {
    const query = new URLSearchParams();
    if (params.workspace) query.set("workspace", String(params.workspace));
    if (params.search) query.set("search", params.search);
    query.set("ordering", params.ordering ?? "-updated");
    query.set("limit", String(params.limit ?? 100));
    return apiRequest<DiagramPage>(`/api/diagrams/?${query}`, { signal });
  },
  createDiagram: (body: { workspace: number; template: string; title: string }) =>
    apiRequest<DiagramSummary>("/api/diagrams/", { method: "POST", body }),
  diagram: (id: number) => apiRequest<DiagramSummary>(`/api/diagrams/${id}/`),
  renameDiagram: (id: number, title: string) =>
    apiRequest<DiagramSummary>(`/api/diagrams/${id}/`, { method: "PATCH", body: { title } }),
  deleteDiagram: (id: number) => apiRequest<void>(`/api/diagrams/${id}/`, { method: "DELETE" }),
  duplicateDiagram: (id: number) =>
    apiRequest<DiagramSummary>(`/api/diagrams/${id}/duplicate`, { method: "POST" }),
  content: (id: number) => apiRequest<DiagramContent>(`/api/diagrams/${id}/content`),
  versions: (id: number) => apiRequest<VersionPage>(`/api/diagrams/${id}/versions/?limit=200`),
  saveVersion: (id: number, message: string) =>
    apiRequest<Version>(`/api/diagrams/${id}/versions/`, { method: "POST", body: { message } }),
  version: (id: number, number: number) =>
    apiRequest<VersionDetail>(`/api/diagrams/${id}/versions/${number}/`),
  restoreVersion: (id: number, number: number) =>
    apiRequest<DiagramContent>(`/api/diagrams/${id}/versions/${number}/restore`, { method: "POST" }),
  diff: (id: number, from: number, to: number | "live") =>
    apiRequest<DiffResult>(`/api/diagrams/${id}/diff?from=${from}&to=${to}`),
  startExport: (id: number, body: ExportRequest) =>
    apiRequest<ExportJob>(`/api/diagrams/${id}/exports/`, { method: "POST", body }),
  exportJob: (jobId: string | number) => apiRequest<ExportJob>(`/api/exports/${jobId}`),
  importDiagram: (body: ImportRequest) =>
    apiRequest<DiagramSummary>("/api/diagrams/import", { method: "POST", body }),
  /** Lint `content` (what this tab shows) with the workspace's rule configuration. */
  validate: (id: number, content: DiagramContent, signal?: AbortSignal) =>
    apiRequest<ValidateReport>(`/api/diagrams/${id}/validate`, { method: "POST", body: content, signal }),
  lintRules: () => apiRequest<LintRule[]>("/api/assistant/rules"),
};
