"""Presence batching: the awareness of everyone in a room, relayed in small batches."""

from __future__ import annotations

import asyncio
import logging

from channels.layers import get_channel_layer

from apps.collab import protocol
from apps.collab.presence import AwarenessTable, awareness_entry_clean
from apps.collab.rooms.core import Connection, RoomCore
from apps.diagrams.events import diagram_group

logger = logging.getLogger(__name__)

AWARENESS_EVENT = "awareness.update"
PRESENCE_BATCH_SECONDS = 0.025


class PresenceRelay:
    """The room's awareness table, and the task that sends what changed in it."""

    def __init__(self, core: RoomCore) -> None:
        self.core = core
        self.table = AwarenessTable()
        self._local: set[int] = set()
        self._remote: set[int] = set()
        self._ready = asyncio.Event()

    def snapshot_frame(self) -> bytes | None:
        snapshot = self.table.snapshot()
        return protocol.awareness_frame(snapshot) if snapshot is not None else None

    def relay(self, connection: Connection, entries: list[protocol.AwarenessEntry]) -> None:
        """Record a socket's awareness entries; relay what is new to the room in every process.

        Only entries that change the table travel: every y-websocket client re-sends each
        awareness update it receives, and relaying those echoes would multiply every cursor
        move by the number of people in the room. Each state is cut down to what the presence
        schema accepts first. Raises ProtocolError for a state that is not a JSON object.
        """
        fresh = [awareness_entry_clean(entry) for entry in self.table.newer(entries)]
        for entry in fresh:
            if entry.removed:
                connection.awareness_ids.discard(entry.client_id)
            else:
                connection.awareness_ids.add(entry.client_id)
        changed = self.table.apply(fresh)
        if changed:
            self._queue(changed, local=True)

    def relay_remote(self, update: bytes) -> None:
        """Presence relayed by another process: record what is new and pass it on here."""
        entries = protocol.decode_awareness_update(update)
        # Checked again: another process of an older release may not have cut it down.
        fresh = [awareness_entry_clean(entry) for entry in self.table.newer(entries)]
        changed = self.table.apply(fresh)
        if changed:
            self._queue(changed, local=False)

    def forget(self, connection: Connection) -> None:
        """A socket left: tell everyone its clients are gone."""
        removals = self.table.removals(connection.awareness_ids)
        connection.awareness_ids.clear()
        if removals:
            self.table.apply(removals)
            self._queue(removals, local=True)

    def _queue(self, entries: list[protocol.AwarenessEntry], *, local: bool) -> None:
        for entry in entries:
            (self._local if local else self._remote).add(entry.client_id)
        self._ready.set()

    async def run(self) -> None:
        """The batching task."""
        # When 50 people move their cursors at once, each socket gets a few frames instead of
        # 50, and the clients' echoes shrink alike.
        while True:
            await self._ready.wait()
            await asyncio.sleep(PRESENCE_BATCH_SECONDS)
            await self.flush()

    async def flush(self) -> None:
        self._ready.clear()
        local, self._local = self._local, set()
        remote, self._remote = self._remote, set()
        everyone = [self.table.current(client_id) for client_id in sorted(local | remote)]
        entries = [entry for entry in everyone if entry is not None]
        if not entries:
            return
        # Everyone, the sender included: a client alone in a room otherwise hears nothing for
        # 30 s and drops the connection.
        self.core.deliver_all(protocol.awareness_frame(protocol.encode_awareness_update(entries)))
        ours = [entry for entry in entries if entry.client_id in local]
        if ours:
            await self._group_send(protocol.encode_awareness_update(ours))

    async def _group_send(self, update: bytes) -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        event = {
            "type": AWARENESS_EVENT,
            "diagram_id": self.core.diagram_id,
            "update": update,
            "sender": self.core.channel_name,
        }
        try:
            await layer.group_send(diagram_group(self.core.diagram_id), event)
        except Exception:  # presence is best effort; clients renew it every 15 s
            logger.exception(
                "could not relay awareness", extra={"diagram_id": self.core.diagram_id}
            )
