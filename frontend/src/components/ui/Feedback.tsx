import type { ReactNode } from "react";
import { create } from "zustand";
import { Button } from "./Button";
import { Icon } from "./Icon";

export function Spinner({ size = 18, label }: { size?: number; label?: string }) {
  return (
    <span className="spinner-wrap" role="status">
      <span className="spinner" style={{ width: size, height: size }} aria-hidden="true" />
      {label ? <span className="spinner-label">{label}</span> : <span className="sr-only">Loading</span>}
    </span>
  );
}

export function EmptyState({ icon, title, children, action }: { icon: string; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty-state">
      <div className="empty-icon">
        <Icon name={icon} size={26} />
      </div>
      <h3>{title}</h3>
      {children ? <p>{children}</p> : null}
      {action}
    </div>
  );
}

export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className="empty-state is-error" role="alert">
      <div className="empty-icon">
        <Icon name="warning" size={26} />
      </div>
      <h3>Something went wrong</h3>
      <p>{message}</p>
      {onRetry ? (
        <Button onClick={onRetry} icon="restore">
          Try again
        </Button>
      ) : null}
    </div>
  );
}

export function Badge({ tone, children }: { tone: "neutral" | "blue" | "green" | "amber" | "red" | "violet"; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

// ---- Toasts: short confirmations and errors in the bottom corner. ----
interface Toast {
  id: number;
  text: string;
  tone: "info" | "error" | "success";
}

interface ToastState {
  toasts: Toast[];
  push: (text: string, tone?: Toast["tone"]) => void;
  dismiss: (id: number) => void;
}

let toastSeq = 0;
export const useToasts = create<ToastState>((set, get) => ({
  toasts: [],
  push: (text, tone = "info") => {
    const id = ++toastSeq;
    set({ toasts: [...get().toasts, { id, text, tone }] });
    setTimeout(() => get().dismiss(id), tone === "error" ? 7000 : 3500);
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((toast) => toast.id !== id) }),
}));

export const toast = (text: string, tone?: Toast["tone"]) => useToasts.getState().push(text, tone);

export function Toaster() {
  const toasts = useToasts((state) => state.toasts);
  const dismiss = useToasts((state) => state.dismiss);
  return (
    <div className="toaster" aria-live="polite">
      {toasts.map((item) => (
        <div key={item.id} className={`toast toast-${item.tone}`} role={item.tone === "error" ? "alert" : "status"}>
          <Icon name={item.tone === "error" ? "warning" : item.tone === "success" ? "checkCircle" : "help"} size={16} />
          <span>{item.text}</span>
          <button type="button" aria-label="Dismiss" onClick={() => dismiss(item.id)}>
            <Icon name="close" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
