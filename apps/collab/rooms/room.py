"""The room: lifecycle, sockets and the channel-layer events of one open diagram."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any

from channels.layers import get_channel_layer
from pycrdt import Doc

from apps.collab import protocol
from apps.collab.limits import CollabLimits
from apps.collab.rooms.core import Connection, RoomCore
from apps.collab.rooms.heal import RoomHealer
from apps.collab.rooms.presence import AWARENESS_EVENT, PresenceRelay
from apps.collab.rooms.writer import RoomWriter
from apps.collab.storage import room_after_unload, room_db, room_load
from apps.diagrams.docguard import DocGuard
from apps.diagrams.events import diagram_group
from apps.diagrams.live import LoadedDocument, UpdateAppender, document_load

logger = logging.getLogger(__name__)

DOC_UPDATE_EVENT = "doc.update"
# Channel names of sockets that left recently: their stored updates may still come back to us
# over the channel layer, and were already delivered here.
RECENT_SENDERS = 1024


class Room:
    """The live state of one diagram in this process; see the package docstring."""

    def __init__(self, diagram_id: int, limits: CollabLimits, appender: UpdateAppender) -> None:
        empty = LoadedDocument(diagram_id=diagram_id, doc=Doc())
        self.core = RoomCore(
            diagram_id=diagram_id, limits=limits, loaded=empty, guard=DocGuard(empty.doc)
        )
        self.appender = appender
        self.writer = RoomWriter(self.core, appender, self._load)
        self.presence = PresenceRelay(self.core)
        self.healer = RoomHealer(self.core, snapshot_updates=0)
        self._local_senders: OrderedDict[str, None] = OrderedDict()
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def diagram_id(self) -> int:
        return self.core.diagram_id

    @property
    def connections(self) -> list[Connection]:
        return self.core.connections

    @property
    def loaded(self) -> LoadedDocument:
        return self.core.loaded

    async def _load(self) -> LoadedDocument:
        return await room_db(document_load)(diagram_id=self.diagram_id)

    # ---- lifecycle -------------------------------------------------------------------------

    async def open(self) -> None:
        """Join the diagram's group first, then load, so nothing committed in between is lost."""
        layer = get_channel_layer()
        assert layer is not None, "the collaboration socket needs a channel layer"
        group = diagram_group(self.diagram_id)
        self.core.channel_name = await layer.new_channel("collab.room.")
        await layer.group_add(group, self.core.channel_name)
        try:
            _diagram, snapshot_updates, loaded = await room_db(room_load)(self.diagram_id)
        except BaseException:
            await layer.group_discard(group, self.core.channel_name)
            raise
        self.core.use_document(loaded)
        self.writer = RoomWriter(self.core, self.appender, self._load)
        self.healer.snapshot_updates = snapshot_updates
        self._tasks = [
            asyncio.create_task(self._listen(layer)),
            asyncio.create_task(self.writer.run()),
            asyncio.create_task(self.healer.run()),
            asyncio.create_task(self.presence.run()),
        ]

    async def close(self) -> None:
        """Unload: finish storing what was accepted, leave the group, tidy up in Postgres."""
        await self.writer.drained.wait()
        await self.presence.flush()  # other processes must hear who left
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except asyncio.CancelledError:
                pass
        self.core.guard.close()
        layer = get_channel_layer()
        if layer is not None:
            await layer.group_discard(diagram_group(self.diagram_id), self.core.channel_name)
        await room_db(room_after_unload)(self.diagram_id, self.core.dirty)

    # ---- sockets ----------------------------------------------------------------------------

    async def add(self, connection: Connection) -> bytes:
        """Admit a socket; returns the room's state vector for the sync step 1 we send it."""
        async with self.core.lock:
            self.core.connections.append(connection)
            self._remember_sender(connection.channel_name)
            return bytes(self.core.loaded.doc.get_state())

    async def remove(self, connection: Connection) -> None:
        """Drop a socket and tell everyone its presence is gone."""
        if connection in self.core.connections:
            self.core.connections.remove(connection)
        self.presence.forget(connection)

    def awareness_snapshot_frame(self) -> bytes | None:
        return self.presence.snapshot_frame()

    # ---- the document -----------------------------------------------------------------------

    async def answer_sync_step1(self, state_vector: bytes) -> bytes:
        """Sync step 2 for a client's state vector: everything committed that it lacks."""
        async with self.core.lock:
            update = bytes(self.core.loaded.doc.get_update(state_vector))
        return protocol.sync_step2_frame(update)

    async def state_vector(self) -> bytes:
        async with self.core.lock:
            return bytes(self.core.loaded.doc.get_state())

    def submit(self, connection: Connection, update: bytes) -> None:
        """Hand a client's update to the writer."""
        self.writer.submit(connection, update)

    def relay_awareness(
        self, connection: Connection, entries: list[protocol.AwarenessEntry]
    ) -> None:
        """Record and relay a socket's presence; raises ProtocolError for a bad state."""
        self.presence.relay(connection, entries)

    async def heal(self) -> None:
        """Apply what Postgres holds and this room missed (also run periodically)."""
        await self.healer.heal()

    # ---- events from the channel layer ------------------------------------------------------

    async def _listen(self, layer: Any) -> None:
        while True:
            event = await layer.receive(self.core.channel_name)
            try:
                kind = event.get("type")
                if kind == DOC_UPDATE_EVENT:
                    await self.doc_update(event)
                elif kind == AWARENESS_EVENT:
                    if not self._sent_from_here(event.get("sender", "")):
                        self.presence.relay_remote(bytes(event["update"]))
            except Exception:
                logger.exception("bad collab event", extra={"diagram_id": self.diagram_id})

    async def doc_update(self, event: dict[str, Any]) -> None:
        """An update stored elsewhere (another process, the REST API): send it on, then apply."""
        if self._sent_from_here(event.get("sender", "")):
            return  # stored by this room and already delivered to its sockets
        update = bytes(event["update"])
        self.core.deliver_all(protocol.update_frame(update))
        async with self.core.lock:
            self.core.loaded.doc.apply_update(update)

    # ---- helpers ----------------------------------------------------------------------------

    def _sent_from_here(self, sender: str) -> bool:
        """Stored or relayed by this room, so already delivered to its sockets."""
        return sender == self.core.channel_name or sender in self._local_senders

    def _remember_sender(self, channel_name: str) -> None:
        self._local_senders[channel_name] = None
        self._local_senders.move_to_end(channel_name)
        while len(self._local_senders) > RECENT_SENDERS + len(self.core.connections):
            self._local_senders.popitem(last=False)
