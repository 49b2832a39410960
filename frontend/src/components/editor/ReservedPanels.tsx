// Places kept for features that arrive next: review comments, the assistant.
import { Button } from "../ui/Button";
import { EmptyState } from "../ui/Feedback";

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
