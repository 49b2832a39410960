// The Checks tab: the SOP lint's findings on what this tab shows, re-checked as the document
// changes, each one a click away from the steps it names and, where the rule knows one, a
// one-click fix applied as one undoable transaction on the live document.
import { useReactFlow } from "@xyflow/react";
import { useCallback, useState } from "react";
import { api } from "../../api/endpoints";
import type { Finding, Severity } from "../../api/types";
import { useAsync } from "../../hooks/useAsync";
import { useLiveFindings } from "../../hooks/useFindings";
import { applyChangeSet } from "../../lib/changeset";
import { groupBySeverity } from "../../lib/findings";
import { useEditor, useEditorHandle } from "../../store/context";
import { Button } from "../ui/Button";
import { EmptyState, ErrorState, Spinner, toast } from "../ui/Feedback";
import { Icon } from "../ui/Icon";

const SEVERITY_TEXT: Record<Severity, { one: string; many: string; icon: string }> = {
  error: { one: "error", many: "errors", icon: "warning" },
  warning: { one: "warning", many: "warnings", icon: "warning" },
  info: { one: "info", many: "info", icon: "help" },
};

const READABLE_ZOOM = 0.9;
// A 2,000-step SOP can have a thousand findings; the first ones of each severity are what a
// person reads, and a thousand rows would slow the whole page down.
const ROWS_SHOWN = 100;

function severityWord(count: number, severity: Severity): string {
  return count === 1 ? SEVERITY_TEXT[severity].one : SEVERITY_TEXT[severity].many;
}

function counted(count: number, severity: Severity): string {
  return `${count} ${severityWord(count, severity)}`;
}

/** A finding's identity across re-checks (a rule reports an element once). */
function findingKey(finding: Finding): string {
  return `${finding.rule}:${finding.refs.join(",")}:${finding.message}`;
}

/** Select the elements a finding names and bring them into view. */
function useReveal() {
  const handle = useEditorHandle();
  const flow = useReactFlow();
  return useCallback(
    (refs: readonly string[]) => {
      const state = handle.store.getState();
      const wanted = new Set(refs);
      const nodes = state.nodes.filter((node) => wanted.has(node.id));
      const edges = state.edges.filter((edge) => wanted.has(edge.id));
      if (nodes.length === 0 && edges.length === 0) return false;
      state.selectOnly(
        nodes.map((node) => node.id),
        edges.map((edge) => edge.id),
      );
      // An edge is shown by its two ends.
      const ends = new Set([...nodes.map((n) => n.id), ...edges.flatMap((e) => [e.source, e.target])]);
      const boxes = state.nodes.filter((node) => ends.has(node.id));
      const left = Math.min(...boxes.map((n) => n.position.x));
      const top = Math.min(...boxes.map((n) => n.position.y));
      const right = Math.max(...boxes.map((n) => n.position.x + n.data.record.w));
      const bottom = Math.max(...boxes.map((n) => n.position.y + n.data.record.h));
      const pane = document.querySelector(".canvas-wrap")?.getBoundingClientRect();
      const { zoom } = flow.getViewport();
      // Close enough to read the step and its badge, without zooming out from where the user is.
      const readable = Math.max(zoom, READABLE_ZOOM);
      const fits = pane ? (right - left) * readable < pane.width * 0.8 && (bottom - top) * readable < pane.height * 0.8 : true;
      if (fits) void flow.setCenter((left + right) / 2, (top + bottom) / 2, { zoom: readable, duration: 250 });
      else void flow.fitBounds({ x: left, y: top, width: right - left, height: bottom - top }, { padding: 0.2, duration: 250 });
      return true;
    },
    [flow, handle],
  );
}

interface RowProps {
  finding: Finding;
  active: boolean;
  canFix: boolean;
  onFix: () => void;
  onReveal: () => void;
}

function FindingRow({ finding, active, canFix, onFix, onReveal }: RowProps) {
  const located = finding.refs.length > 0;
  return (
    <li className={`finding is-${finding.severity}${active ? " is-active" : ""}`} data-rule={finding.rule}>
      <button
        type="button"
        className="finding-main"
        onClick={onReveal}
        disabled={!located}
        aria-pressed={located ? active : undefined}
        title={located ? "Select on the canvas" : "About the whole document"}
      >
        <span className={`finding-icon is-${finding.severity}`} aria-hidden="true">
          <Icon name={SEVERITY_TEXT[finding.severity].icon} size={13} />
        </span>
        <span className="finding-text">
          <span className="finding-rule">
            {finding.rule}
            {!located ? <span className="finding-scope">document</span> : null}
          </span>
          <span className="finding-message">{finding.message}</span>
        </span>
      </button>
      {canFix && finding.fix ? (
        <Button size="sm" icon="wand" className="finding-fix" onClick={onFix} aria-label={`Fix ${finding.rule}: ${finding.message}`}>
          Fix
        </Button>
      ) : null}
    </li>
  );
}

export function ChecksPanel({ diagramId }: { diagramId: number }) {
  const handle = useEditorHandle();
  const readOnly = useEditor((s) => s.readOnly);
  const { state, run } = useLiveFindings(diagramId);
  const rules = useAsync(() => api.lintRules(), []);
  const reveal = useReveal();
  const report = state.report;
  const [active, setActive] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<Severity>>(new Set());

  const fix = (finding: Finding) => {
    const result = applyChangeSet(handle.doc, finding.fix, { undoManager: handle.undoManager });
    if (!result.ok) {
      toast(`The fix was not applied, nothing changed: ${result.message}`, "error");
      return;
    }
    toast(`Fixed ${finding.rule}. Undo reverts the whole fix.`, "success");
    run();
  };

  const header = (
    <div className="checks-header">
      <div className="checks-title">
        <span className="section-title">SOP checks</span>
        <span className="checks-status" aria-live="polite">
          {state.status === "checking" ? <Spinner size={12} label="Checking…" /> : report ? "Checked live as you edit" : null}
        </span>
      </div>
      <Button size="sm" icon="checkCircle" onClick={run} disabled={state.status === "checking"}>
        Run checks
      </Button>
    </div>
  );

  if (state.status === "error") {
    return (
      <div className="checks-panel">
        {header}
        <ErrorState message={`The checks could not run: ${state.error ?? "unknown error"}`} onRetry={run} />
      </div>
    );
  }
  if (!report) {
    return (
      <div className="checks-panel">
        {header}
        <div className="checks-loading">
          <Spinner label="Running the checks…" />
        </div>
      </div>
    );
  }

  const total = report.findings.length;
  const ruleCount = rules.data?.length ?? 20;
  return (
    <div className="checks-panel" data-status={state.status}>
      {header}
      <div className="checks-counts" aria-label="Findings by severity">
        {(["error", "warning", "info"] as const).map((severity) => (
          <span key={severity} className={`checks-count is-${severity}${report.counts[severity] === 0 ? " is-zero" : ""}`} data-severity={severity}>
            <strong>{report.counts[severity]}</strong> {severityWord(report.counts[severity], severity)}
          </span>
        ))}
      </div>
      {total === 0 ? (
        <EmptyState icon="checkCircle" title={`No findings — this SOP passes all ${ruleCount} checks`}>
          Every stage is present, failures have a path and an owner, and the facts an auditor asks for are recorded.
        </EmptyState>
      ) : (
        <div className="checks-groups">
          {groupBySeverity(report.findings).map((group) => (
            <section key={group.severity} className="checks-group" data-severity={group.severity}>
              <h4 className={`checks-group-title is-${group.severity}`}>{counted(group.findings.length, group.severity)}</h4>
              <ul className="finding-list">
                {(expanded.has(group.severity) ? group.findings : group.findings.slice(0, ROWS_SHOWN)).map((finding) => {
                  const key = findingKey(finding);
                  return (
                    <FindingRow
                      key={key}
                      finding={finding}
                      active={active === key}
                      canFix={!readOnly}
                      onFix={() => fix(finding)}
                      onReveal={() => reveal(finding.refs) && setActive(key)}
                    />
                  );
                })}
              </ul>
              {group.findings.length > ROWS_SHOWN && !expanded.has(group.severity) ? (
                <Button
                  size="sm"
                  variant="ghost"
                  className="checks-more"
                  onClick={() => setExpanded((current) => new Set([...current, group.severity]))}
                >
                  Show all {group.findings.length}
                </Button>
              ) : null}
            </section>
          ))}
        </div>
      )}
      {readOnly && report.findings.some((finding) => finding.fix) ? (
        <p className="checks-note">
          <Icon name="lock" size={12} /> Only owners and editors can apply fixes.
        </p>
      ) : null}
    </div>
  );
}
