export function relativeTime(iso: string, now: number = Date.now()): string {
  const then = new Date(iso).getTime();
  if (!Number.isFinite(then)) return "";
  const seconds = Math.round((now - then) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 7) return `${days} d ago`;
  return new Date(iso).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
}

export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
}

export function initials(name: string): string {
  const parts = name.trim().split(/[\s._-]+/).filter(Boolean);
  // By code point, so a name that starts with an emoji keeps it whole.
  const letters = parts.length >= 2 ? firstChar(parts[0]!) + firstChar(parts[1]!) : Array.from(name.trim()).slice(0, 2).join("");
  return letters.toUpperCase();
}

function firstChar(text: string): string {
  return Array.from(text)[0] ?? "";
}

export const STATUS_LABEL: Record<string, { label: string; tone: "neutral" | "blue" | "green" | "amber" }> = {
  draft: { label: "Draft", tone: "neutral" },
  in_review: { label: "In review", tone: "amber" },
  approved: { label: "Approved", tone: "green" },
};

export const MODE_LABEL: Record<string, string> = {
  realtime: "Real-time",
  streaming: "Streaming",
  batch: "Batch",
};
