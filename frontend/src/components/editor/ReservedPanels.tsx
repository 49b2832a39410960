// Places kept for features that arrive next (review comments, the assistant), and the Checks tab.
import { parseRoute, usePathname } from "../../lib/router";
import { Button } from "../ui/Button";
import { EmptyState } from "../ui/Feedback";
import { ChecksPanel } from "./ChecksPanel";

/** The Checks tab (see ChecksPanel), for the diagram the editor's address names. */
export function FindingsPanel({ diagramId }: { diagramId?: number }) {
  const pathname = usePathname();
  const route = parseRoute(pathname);
  const id = diagramId ?? (route.name === "editor" ? route.diagramId : null);
  if (id === null) return null;
  return <ChecksPanel diagramId={id} />;
}

export function CommentsPanel() {
  return (
    <div className="reserved-panel" data-reserved="comments">
      <EmptyState icon="comment" title="Review comments">
        Reviewers' comment threads, pinned to the steps they are about, will appear here with the review status.
      </EmptyState>
    </div>
  );
}

export function AssistantPanel() {
  return (
    <div className="reserved-panel" data-reserved="assistant">
      <EmptyState icon="sparkle" title="AI assistant">
        Describe a pipeline to generate a laid-out SOP, or ask for an edit (“add a fallback to the rules engine when the model times out”) and preview it before accepting.
      </EmptyState>
      <textarea className="assistant-input" rows={3} disabled placeholder="Describe a change… (coming soon)" />
      <Button size="sm" icon="sparkle" disabled>
        Generate
      </Button>
    </div>
  );
}
