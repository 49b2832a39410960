// Presence (y-protocols awareness) is arbitrary JSON from any peer, viewers included, relayed
// by the server. Nothing a peer sends may reach rendering unchecked: one number where a name
// was expected used to throw inside React and blank every open editor of the diagram. Every
// remote state goes through `parsePeerState`, which never throws and returns only values of
// the shape the editor renders, defaulting or dropping what does not fit.

export const MAX_NAME_LENGTH = 64;
/** More than a diagram can hold (SOPSTUDIO_MAX_NODES); a longer list is cut, not trusted. */
export const MAX_SELECTION = 2000;
/** Far beyond any canvas; a larger coordinate would only push the cursor out of sight. */
export const MAX_COORDINATE = 1e7;
export const UNNAMED_PEER = "Someone";

// The document's element id pattern (apps/diagrams/schema.py), so a selection names only
// things that can exist.
const ELEMENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const HEX_COLOUR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
// C0 and C1 controls and the bidi overrides that could make a name print over its neighbours.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// Reading a huge string is cheap; copying it is not. Only this much of a name is ever looked at.
const NAME_SCAN_LIMIT = MAX_NAME_LENGTH * 4;

export const PEER_COLOURS = ["#e11d48", "#7c3aed", "#0891b2", "#ea580c", "#16a34a", "#2563eb", "#c026d3", "#0d9488"];

export interface PeerCursorPoint {
  x: number;
  y: number;
}

export interface PeerPresence {
  name: string;
  color: string;
  cursor: PeerCursorPoint | null;
  selection: string[];
}

/** What this tab publishes about itself; shaped so that the server's own check accepts it. */
export interface LocalPresence {
  user: { name: string; color: string };
  cursor: PeerCursorPoint | null;
  selection: string[];
}

export function colourFor(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return PEER_COLOURS[hash % PEER_COLOURS.length]!;
}

type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** An own property only: a `__proto__` or `constructor` key must never be read through. */
function own(object: PlainObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/** A display name: text only, unprintable characters removed, at most 64 characters. */
export function cleanName(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const cleaned = value.slice(0, NAME_SCAN_LIMIT).replace(UNPRINTABLE, "").trim();
  // Cut by code point so an emoji is never split into half a surrogate pair.
  const name = Array.from(cleaned).slice(0, MAX_NAME_LENGTH).join("").trim();
  return name.length > 0 ? name : null;
}

export function cleanColour(value: unknown): string | null {
  return typeof value === "string" && HEX_COLOUR.test(value) ? value : null;
}

function finiteCoordinate(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && Math.abs(value) <= MAX_COORDINATE;
}

export function cleanCursor(value: unknown): PeerCursorPoint | null {
  if (!isPlainObject(value)) return null;
  const x = own(value, "x");
  const y = own(value, "y");
  return finiteCoordinate(x) && finiteCoordinate(y) ? { x, y } : null;
}

export function cleanSelection(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const ids = new Set<string>();
  const limit = Math.min(value.length, MAX_SELECTION);
  for (let index = 0; index < limit; index += 1) {
    const id: unknown = value[index];
    if (typeof id === "string" && ELEMENT_ID.test(id)) ids.add(id);
  }
  return [...ids];
}

/**
 * A peer's awareness state as the editor may render it, or null when it is not a person to
 * show (no state, or no `user` object). A bad name becomes "Someone", a bad colour the colour
 * derived from the name, a bad cursor none, a bad selection empty.
 */
export function parsePeerState(raw: unknown): PeerPresence | null {
  if (!isPlainObject(raw)) return null;
  const user = own(raw, "user");
  if (!isPlainObject(user)) return null;
  const name = cleanName(own(user, "name")) ?? UNNAMED_PEER;
  const color = cleanColour(own(user, "color")) ?? colourFor(name);
  return {
    name,
    color,
    cursor: cleanCursor(own(raw, "cursor")),
    selection: cleanSelection(own(raw, "selection")),
  };
}

/** Our own state, held to the same rules we apply to others (a long display name is cut). */
export function localPresence(name: string, color: string): LocalPresence {
  const cleaned = cleanName(name) ?? UNNAMED_PEER;
  return { user: { name: cleaned, color: cleanColour(color) ?? colourFor(cleaned) }, cursor: null, selection: [] };
}

export interface PeerInfo {
  clientId: number;
  name: string;
  color: string;
  selection: string[];
}

export interface PeerCursor {
  clientId: number;
  name: string;
  color: string;
  x: number;
  y: number;
}

export interface PeerBadge {
  name: string;
  color: string;
}

export interface PresenceView {
  peers: PeerInfo[];
  cursors: PeerCursor[];
  /** Node id -> who has it selected. Without a prototype: an id such as `constructor` is data. */
  remoteSelections: Record<string, PeerBadge[]>;
}

export function noRemoteSelections(): Record<string, PeerBadge[]> {
  return Object.create(null) as Record<string, PeerBadge[]>;
}

function sameBadges(a: readonly PeerBadge[], b: readonly PeerBadge[]): boolean {
  return a.length === b.length && a.every((badge, index) => badge.name === b[index]!.name && badge.color === b[index]!.color);
}

/**
 * Everything the editor shows about other people, from the raw awareness states. `previous`
 * lets a node whose badges did not change keep the same array, so it does not re-render.
 */
export function presenceView(
  states: ReadonlyMap<number, unknown>,
  selfClientId: number,
  previous: Readonly<Record<string, PeerBadge[]>> = noRemoteSelections(),
): PresenceView {
  const peers: PeerInfo[] = [];
  const cursors: PeerCursor[] = [];
  const remoteSelections = noRemoteSelections();
  states.forEach((raw, clientId) => {
    if (clientId === selfClientId) return;
    const state = parsePeerState(raw);
    if (!state) return;
    const { name, color, cursor, selection } = state;
    peers.push({ clientId, name, color, selection });
    if (cursor) cursors.push({ clientId, name, color, x: cursor.x, y: cursor.y });
    for (const id of selection) (remoteSelections[id] ??= []).push({ name, color });
  });
  peers.sort((a, b) => a.name.localeCompare(b.name) || a.clientId - b.clientId);
  for (const [id, badges] of Object.entries(remoteSelections)) {
    const before = Object.prototype.hasOwnProperty.call(previous, id) ? previous[id] : undefined;
    if (before && sameBadges(before, badges)) remoteSelections[id] = before;
  }
  return { peers, cursors, remoteSelections };
}
