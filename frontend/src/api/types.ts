import type { DiagramContent } from "../lib/ydoc";
import type { DiffResult } from "../lib/diff";

export type Role = "owner" | "editor" | "reviewer" | "viewer";
export type DiagramStatus = "draft" | "in_review" | "approved";

export interface Me {
  id: number;
  username: string;
  email: string;
  display_name: string;
}

export interface Workspace {
  id: number;
  name: string;
  slug: string;
  role: Role;
  created_at: string;
}

export interface DiagramSummary {
  id: number;
  workspace: number;
  workspace_name: string;
  title: string;
  mode: string;
  status: DiagramStatus;
  template: string;
  node_count: number;
  content_hash: string;
  latest_version: number;
  role?: Role;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface TemplateSummary {
  id: string;
  name: string;
  summary: string;
  industry: string;
  mode: string;
  node_count: number;
}

export interface Version {
  number: number;
  message: string;
  author: string | null;
  created_at: string;
  content_hash: string;
  restored_from: number | null;
}

export interface VersionDetail extends Version {
  content: DiagramContent;
}

export type ExportFormat = "svg" | "png" | "pdf" | "audit-pack" | "json" | "mermaid";

export interface ExportOptions {
  paper: "A4" | "A3" | "Letter";
  orientation: "portrait" | "landscape";
  fit: "page" | "tile";
  scale: 1 | 2;
}

export interface ExportJob {
  id: string | number;
  status: string;
  progress: number;
  download_url: string | null;
  error?: string | null;
  filename?: string | null;
}

export type { DiffResult };

export function canEdit(role: Role | undefined): boolean {
  return role === "owner" || role === "editor";
}
