"""Presence: the awareness states (name, colour, cursor, selection) of everyone in a room.

The table follows the y-protocols rules, so every process of a room converges on the same
states whatever order relayed updates arrive in: a higher clock wins, and at an equal clock a
removal wins over a state.

A state is untrusted input from any peer, viewers included, and every open editor renders it:
before it enters the table it is cut down to the presence schema, field by field, keeping the
entry's client id and clock (so the clock rules above hold unchanged):

    {"user": {"name": str <= 64 chars, "color": "#rgb" | "#rrggbb"},
     "cursor": null | {"x": finite, "y": finite},
     "selection": [element id, ...]}

A `user` without a valid name is dropped (a presence with no name cannot be shown); an invalid
colour, cursor or selection entry is dropped alone; unknown keys are dropped. A state that is
not a JSON object or null is a protocol error.
"""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from apps.collab.protocol import AwarenessEntry, ProtocolError, encode_awareness_update
from apps.diagrams.schema import ID_PATTERN

MAX_NAME_LENGTH = 64
# Far beyond any canvas; the editor ignores cursors further out too.
MAX_CURSOR_COORDINATE = 1e7
_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_ELEMENT_ID = re.compile(ID_PATTERN)
_ELEMENT_ID_MAX = 64


def _refuse_constant(_name: str) -> float:
    # NaN and Infinity are not JSON; the browsers' parser would throw on them.
    return math.nan


def _name(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME_LENGTH:
        return None
    return value


def _finite(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and abs(value) <= MAX_CURSOR_COORDINATE
    )


def _selection(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    limit = settings.SOPSTUDIO_MAX_NODES + settings.SOPSTUDIO_MAX_EDGES
    return [
        item
        for item in value[:limit]
        if isinstance(item, str) and len(item) <= _ELEMENT_ID_MAX and _ELEMENT_ID.fullmatch(item)
    ]


def awareness_state_clean(state: dict[str, Any]) -> dict[str, Any]:
    """The parts of an awareness state that fit the presence schema."""
    clean: dict[str, Any] = {}
    user = state.get("user")
    if isinstance(user, dict):
        name = _name(user.get("name"))
        if name is not None:
            clean["user"] = {"name": name}
            colour = user.get("color")
            if isinstance(colour, str) and _HEX_COLOUR.fullmatch(colour):
                clean["user"]["color"] = colour
    if "cursor" in state:
        cursor = state["cursor"]
        fits = isinstance(cursor, dict) and _finite(cursor.get("x")) and _finite(cursor.get("y"))
        clean["cursor"] = {"x": cursor["x"], "y": cursor["y"]} if fits else None
    if "selection" in state:
        clean["selection"] = _selection(state["selection"])
    return clean


def awareness_entry_clean(entry: AwarenessEntry) -> AwarenessEntry:
    """The entry with its state cut down to the presence schema (null spelled canonically).

    Raises ProtocolError for a state that is not a JSON object or null.
    """
    if entry.removed:
        return entry
    try:
        parsed = json.loads(entry.state, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError("awareness state is not JSON") from exc
    if parsed is None:
        return AwarenessEntry(entry.client_id, entry.clock, "null")
    if not isinstance(parsed, dict):
        raise ProtocolError("awareness state must be an object or null")
    state = json.dumps(
        awareness_state_clean(parsed), ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    return AwarenessEntry(entry.client_id, entry.clock, state)


# Clients renew their state every 15 s and drop peers silent for 30 s; so do we.
OUTDATED_SECONDS = 30.0


@dataclass
class _Known:
    entry: AwarenessEntry
    seen_at: float


class AwarenessTable:
    """The latest awareness entry per client id in one room."""

    def __init__(self) -> None:
        self._known: dict[int, _Known] = {}

    def _is_newer(self, entry: AwarenessEntry) -> bool:
        current = self._known.get(entry.client_id)
        if current is None:
            return not entry.removed
        if entry.clock > current.entry.clock:
            return True
        return entry.clock == current.entry.clock and entry.removed and not current.entry.removed

    def newer(self, entries: list[AwarenessEntry]) -> list[AwarenessEntry]:
        """The entries that would change the table (echoes of known states are not)."""
        return [entry for entry in entries if self._is_newer(entry)]

    def apply(self, entries: list[AwarenessEntry]) -> list[AwarenessEntry]:
        """Record entries newer than what we hold; return the ones that changed something."""
        now = time.monotonic()
        changed: list[AwarenessEntry] = []
        for entry in entries:
            if self._is_newer(entry):
                self._known[entry.client_id] = _Known(entry, now)
                changed.append(entry)
        return changed

    def current(self, client_id: int) -> AwarenessEntry | None:
        known = self._known.get(client_id)
        return known.entry if known is not None else None

    def removals(self, client_ids: set[int]) -> list[AwarenessEntry]:
        """Entries that announce the given clients as gone: same clock, state null.

        The clock is not bumped (as y-protocols does for peers it drops): a client that
        reconnects renews its state at the next clock, which must then win again.
        """
        gone: list[AwarenessEntry] = []
        for client_id in sorted(client_ids):
            current = self._known.get(client_id)
            if current is None or current.entry.removed:
                continue
            gone.append(AwarenessEntry(client_id, current.entry.clock, "null"))
        return gone

    def snapshot(self) -> bytes | None:
        """Every live, recently renewed state as one awareness update (None when empty)."""
        horizon = time.monotonic() - OUTDATED_SECONDS
        stale = [cid for cid, known in self._known.items() if known.seen_at < horizon]
        for client_id in stale:
            del self._known[client_id]
        live = [known.entry for known in self._known.values() if not known.entry.removed]
        return encode_awareness_update(live) if live else None
