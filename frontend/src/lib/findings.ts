// Pure helpers for the Checks tab: node badges from a report's findings, findings grouped by
// severity, and the debounce that paces live re-validation.
import type { Finding, Severity } from "../api/types";

export const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];

/** What a step's badge shows: how many error/warning findings name it, the worst, their messages. */
export interface NodeBadge {
  count: number;
  severity: "error" | "warning";
  messages: string[];
}

/**
 * Badges by element id. Info findings carry none: a badge is for what must be fixed, and a
 * badge on every step of a crowded stage would be noise.
 */
export function badgesFor(findings: readonly Finding[]): Map<string, NodeBadge> {
  const badges = new Map<string, NodeBadge>();
  for (const finding of findings) {
    if (finding.severity !== "error" && finding.severity !== "warning") continue;
    for (const ref of new Set(finding.refs)) {
      const badge = badges.get(ref);
      if (!badge) {
        badges.set(ref, { count: 1, severity: finding.severity, messages: [finding.message] });
        continue;
      }
      badge.count += 1;
      if (finding.severity === "error") badge.severity = "error";
      badge.messages.push(finding.message);
    }
  }
  return badges;
}

/** Findings in severity order (errors first), keeping the server's order within a severity. */
export function groupBySeverity(findings: readonly Finding[]): Array<{ severity: Severity; findings: Finding[] }> {
  return SEVERITIES.map((severity) => ({ severity, findings: findings.filter((f) => f.severity === severity) })).filter(
    (group) => group.findings.length > 0,
  );
}

export interface Debounced {
  (): void;
  cancel: () => void;
  pending: () => boolean;
}

/** Call `run` once, `wait` ms after the last of a burst of calls. */
export function debounce(run: () => void, wait: number): Debounced {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const debounced = (() => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      run();
    }, wait);
  }) as Debounced;
  debounced.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  debounced.pending = () => timer !== null;
  return debounced;
}
