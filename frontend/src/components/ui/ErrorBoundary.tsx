// Error boundaries: a panel that throws while rendering shows a small fallback and leaves the
// rest of the editor (above all the canvas, which holds unsaved presence and the live
// connection) running; one boundary around the whole app means nothing ever renders a blank page.
import { Component, type ErrorInfo, type ReactNode } from "react";
import { Button } from "./Button";
import { Icon } from "./Icon";

interface BoundaryProps {
  /** What failed, as the person sees it: "Inspector", "Versions", "People here"… */
  name: string;
  children: ReactNode;
  /** "inline" for a slot in a toolbar, "panel" for a side panel or overlay, "page" for the app. */
  variant?: "inline" | "panel" | "page";
  /** For a dialog: the fallback offers to close it as well as to reload it. */
  onDismiss?: () => void;
}

interface BoundaryState {
  error: Error | null;
  /** Bumped by "reload", so the children mount afresh instead of reusing their broken state. */
  generation: number;
}

export class ErrorBoundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { error: null, generation: 0 };

  static getDerivedStateFromError(error: unknown): Partial<BoundaryState> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // Kept in the console so the failure can still be reported; the person sees the fallback.
    console.error(`${this.props.name} failed`, error, info.componentStack);
  }

  reload = (): void => {
    this.setState((state) => ({ error: null, generation: state.generation + 1 }));
  };

  override render(): ReactNode {
    const { error, generation } = this.state;
    const { name, children, variant = "panel", onDismiss } = this.props;
    if (!error) return <BoundaryKey key={generation}>{children}</BoundaryKey>;
    if (variant === "page") return <PageFallback />;
    if (variant === "inline") {
      return (
        <button type="button" className="boundary-inline" data-boundary={name} title={`${name} failed. Click to reload it.`} onClick={this.reload}>
          <Icon name="warning" size={14} />
          <span className="sr-only">{name} failed. Reload</span>
        </button>
      );
    }
    return (
      // A failed dialog or overlay floats where the dialog was, so it can be closed.
      <div className={`boundary-panel${onDismiss ? " is-floating" : ""}`} role="alert" data-boundary={name}>
        <Icon name="warning" size={18} />
        <div className="boundary-text">
          <strong>{name} failed</strong>
          <span>The rest of the editor keeps working.</span>
        </div>
        <div className="boundary-actions">
          <Button size="sm" icon="restore" onClick={this.reload}>
            Reload panel
          </Button>
          {onDismiss ? (
            <Button size="sm" variant="ghost" onClick={onDismiss}>
              Close
            </Button>
          ) : null}
        </div>
      </div>
    );
  }
}

/** A keyed wrapper: changing the key remounts the whole subtree. */
function BoundaryKey({ children }: { children: ReactNode }) {
  return <>{children}</>;
}

function PageFallback() {
  return (
    <div className="full-page-state boundary-page" role="alert" data-boundary="app">
      <div className="empty-state is-error">
        <div className="empty-icon">
          <Icon name="warning" size={26} />
        </div>
        <h3>This page failed to display</h3>
        <p>Something on this page broke. Reload it to carry on: edits the server has received are kept.</p>
        <div className="boundary-actions">
          <Button variant="primary" icon="restore" onClick={() => window.location.reload()}>
            Reload page
          </Button>
          <Button icon="chevronLeft" onClick={() => window.location.assign("/")}>
            All diagrams
          </Button>
        </div>
      </div>
    </div>
  );
}
