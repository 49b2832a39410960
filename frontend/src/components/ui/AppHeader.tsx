import type { ReactNode } from "react";
import { useMe } from "../../hooks/useMe";
import { colourFor } from "../../lib/presence";
import { initials } from "../../lib/format";
import { Icon } from "./Icon";

function csrfToken(): string {
  return document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)?.[1] ?? "";
}

export function Brand() {
  return (
    <a className="brand" href="/" aria-label="SOP Studio home">
      <span className="brand-mark" aria-hidden="true">
        <svg width="22" height="22" viewBox="0 0 24 24">
          <rect x="2" y="3" width="6" height="18" rx="2" fill="#2563eb" />
          <rect x="9" y="3" width="6" height="18" rx="2" fill="#7c3aed" />
          <rect x="16" y="3" width="6" height="18" rx="2" fill="#059669" />
        </svg>
      </span>
      <span className="brand-name">SOP Studio</span>
    </a>
  );
}

export function UserMenu({ compact = false }: { compact?: boolean }) {
  const me = useMe();
  const name = me?.display_name ?? document.getElementById("root")?.dataset.username ?? "";
  return (
    <div className="user-menu">
      {compact ? null : <span className="avatar" style={{ background: colourFor(me?.username ?? name) }} title={name}>
        {initials(name || "?")}
      </span>}
      {compact ? null : <span className="user-name">{name}</span>}
      <form method="post" action="/accounts/logout/">
        <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken()} />
        <button type="submit" className="icon-btn" aria-label="Sign out" data-tooltip="Sign out">
          <Icon name="logout" size={16} />
        </button>
      </form>
    </div>
  );
}

export function AppHeader({ children }: { children?: ReactNode }) {
  return (
    <header className="app-header">
      <Brand />
      <div className="app-header-middle">{children}</div>
      <UserMenu />
    </header>
  );
}
