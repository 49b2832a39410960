"""Presence: the awareness states (name, colour, cursor, selection) of everyone in a room.

The table follows the y-protocols rules, so every process of a room converges on the same
states whatever order relayed updates arrive in: a higher clock wins, and at an equal clock a
removal wins over a state.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from apps.collab.protocol import AwarenessEntry, encode_awareness_update

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
