// A tiny history-API router: the app has two screens and does not need more.
import { useSyncExternalStore } from "react";

export type Route =
  | { name: "home" }
  | { name: "editor"; diagramId: number }
  | { name: "notFound" };

export function parseRoute(pathname: string): Route {
  if (pathname === "/" || pathname === "") return { name: "home" };
  const match = /^\/diagrams\/(\d+)\/?$/.exec(pathname);
  if (match) return { name: "editor", diagramId: Number(match[1]) };
  return { name: "notFound" };
}

const listeners = new Set<() => void>();

export function navigate(path: string) {
  if (path === window.location.pathname) return;
  window.history.pushState({}, "", path);
  listeners.forEach((listener) => listener());
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}
