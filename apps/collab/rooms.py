"""Rooms: one authoritative pycrdt Doc per open diagram per server process.

A room is loaded through the live-document service when its first socket joins and unloaded
when its last one leaves. It owns:

- the Doc, guarded by `lock`: everything that reads or changes it (answering a sync step 1,
  storing a client's update, applying an update from elsewhere) holds the lock, so no socket is
  ever shown an update that is not committed yet;
- a writer task that merges the updates waiting per socket, applies them, appends them to
  Postgres in one committed INSERT (from the event loop, see `UpdateAppender`) and only then
  sends them to the room's other sockets (the channel layer carries them to other processes
  after the commit);
- one channel-layer channel in the diagram's group, so an update from another process or from
  the REST API is received and decoded once per process, not once per socket;
- the awareness table of everyone present in any process;
- a maintenance task that re-reads Postgres for rows it never heard of (a dropped channel-layer
  message) and refreshes the diagram's list columns while it is being edited.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Protocol

from channels.layers import get_channel_layer
from django.contrib.auth.models import User
from pycrdt import Doc, get_state, get_update, merge_updates

from apps.collab import protocol
from apps.collab.limits import (
    CLOSE_BAD_MESSAGE,
    CLOSE_SERVER_ERROR,
    CLOSE_TOO_BIG,
    CollabLimits,
)
from apps.collab.presence import AwarenessTable
from apps.collab.storage import room_after_unload, room_db, room_load, room_missing_rows
from apps.diagrams.events import diagram_group
from apps.diagrams.live import (
    AcceptedUpdate,
    LoadedDocument,
    UpdateAppender,
    document_append_accepted,
    document_load,
    document_summary_refresh,
)
from apps.diagrams.models import Diagram

logger = logging.getLogger(__name__)

AWARENESS_EVENT = "awareness.update"
DOC_UPDATE_EVENT = "doc.update"
PRESENCE_BATCH_SECONDS = 0.025
# Channel names of sockets that left recently: their stored updates may still come back to us
# over the channel layer, and were already delivered here.
RECENT_SENDERS = 1024


class Connection(Protocol):
    """What a room needs from a socket."""

    channel_name: str
    user: User | None
    awareness_ids: set[int]

    def deliver(self, frame: bytes) -> None: ...

    def close_with(self, code: int, reason: str) -> None: ...


@dataclass
class _Accepted:
    connection: Connection
    update: bytes


def _user_id(user: User | None) -> int | None:
    return user.pk if user is not None and user.is_authenticated else None


class Room:
    """The live state of one diagram in this process; see the module docstring."""

    def __init__(self, diagram_id: int, limits: CollabLimits, appender: UpdateAppender) -> None:
        self.diagram_id = diagram_id
        self.limits = limits
        self.appender = appender
        self.lock = asyncio.Lock()
        self.connections: list[Connection] = []
        self.awareness = AwarenessTable()
        self.channel_name = ""
        self.loaded = LoadedDocument(diagram_id=diagram_id, doc=Doc())
        self._diagram: Diagram | None = None
        self._snapshot_updates = 0
        self._doc_bytes = 0
        self._pending: list[tuple[Connection, bytes]] = []
        self._wake = asyncio.Event()
        self._drained = asyncio.Event()
        self._drained.set()
        self._local_senders: OrderedDict[str, None] = OrderedDict()
        self._tasks: list[asyncio.Task[None]] = []
        self._dirty = False
        self._presence_local: set[int] = set()
        self._presence_remote: set[int] = set()
        self._presence_ready = asyncio.Event()

    # ---- lifecycle -------------------------------------------------------------------------

    async def open(self) -> None:
        """Join the diagram's group first, then load, so nothing committed in between is lost."""
        layer = get_channel_layer()
        assert layer is not None, "the collaboration socket needs a channel layer"
        self.channel_name = await layer.new_channel("collab.room.")
        await layer.group_add(diagram_group(self.diagram_id), self.channel_name)
        try:
            self._diagram, self._snapshot_updates, self.loaded = await room_db(room_load)(
                self.diagram_id
            )
        except BaseException:
            await layer.group_discard(diagram_group(self.diagram_id), self.channel_name)
            raise
        self._doc_bytes = len(self.loaded.state())
        self._tasks = [
            asyncio.create_task(self._listen(layer)),
            asyncio.create_task(self._write_loop()),
            asyncio.create_task(self._maintain()),
            asyncio.create_task(self._presence_loop()),
        ]

    async def close(self) -> None:
        """Unload: finish storing what was accepted, leave the group, tidy up in Postgres."""
        await self._drained.wait()
        await self._flush_presence()  # other processes must hear who left
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except asyncio.CancelledError:
                pass
        layer = get_channel_layer()
        if layer is not None:
            await layer.group_discard(diagram_group(self.diagram_id), self.channel_name)
        await room_db(room_after_unload)(self.diagram_id, self._dirty)

    # ---- sockets ----------------------------------------------------------------------------

    async def add(self, connection: Connection) -> bytes:
        """Admit a socket; returns the room's state vector for the sync step 1 we send it."""
        async with self.lock:
            self.connections.append(connection)
            self._remember_sender(connection.channel_name)
            return bytes(self.loaded.doc.get_state())

    async def remove(self, connection: Connection) -> None:
        """Drop a socket and tell everyone its presence is gone."""
        if connection in self.connections:
            self.connections.remove(connection)
        removals = self.awareness.removals(connection.awareness_ids)
        connection.awareness_ids.clear()
        if removals:
            self.awareness.apply(removals)
            self._queue_presence(removals, local=True)

    def awareness_snapshot_frame(self) -> bytes | None:
        snapshot = self.awareness.snapshot()
        return protocol.awareness_frame(snapshot) if snapshot is not None else None

    # ---- the document -----------------------------------------------------------------------

    async def answer_sync_step1(self, state_vector: bytes) -> bytes:
        """Sync step 2 for a client's state vector: everything committed that it lacks."""
        async with self.lock:
            return protocol.sync_step2_frame(bytes(self.loaded.doc.get_update(state_vector)))

    async def state_vector(self) -> bytes:
        async with self.lock:
            return bytes(self.loaded.doc.get_state())

    def submit(self, connection: Connection, update: bytes) -> None:
        """Queue a client's update for the writer; bursts are merged before they are stored."""
        self._pending.append((connection, update))
        self._drained.clear()
        self._wake.set()

    async def _write_loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                batch, self._pending = self._pending, []
                try:
                    await self._write_batch(batch)
                except Exception:  # keep the room serving; the senders resync on reconnect
                    logger.exception("collab write failed", extra={"diagram_id": self.diagram_id})
            self._drained.set()

    async def _write_batch(self, batch: list[tuple[Connection, bytes]]) -> None:
        per_connection: dict[int, tuple[Connection, list[bytes]]] = {}
        for connection, update in batch:
            per_connection.setdefault(id(connection), (connection, []))[1].append(update)
        accepted: list[_Accepted] = []
        async with self.lock:
            for connection, updates in per_connection.values():
                merged = self._accept(connection, updates)
                if merged is not None:
                    accepted.append(_Accepted(connection, merged))
            if not accepted:
                return
            try:
                await document_append_accepted(
                    appender=self.appender,
                    loaded=self.loaded,
                    updates=[
                        AcceptedUpdate(
                            update=item.update,
                            user_id=_user_id(item.connection.user),
                            sender=item.connection.channel_name,
                        )
                        for item in accepted
                    ],
                    # Our own sockets first: they need not wait for the Redis publish.
                    on_commit=lambda: self._fan_out(accepted),
                )
            except Exception:
                # The Doc holds changes Postgres does not: rebuild it from Postgres and make
                # the senders reconnect, which re-sends their changes through a full sync.
                logger.exception("could not store updates", extra={"diagram_id": self.diagram_id})
                for item in accepted:
                    item.connection.close_with(CLOSE_SERVER_ERROR, "could not store the change")
                try:
                    self.loaded = await room_db(document_load)(diagram_id=self.diagram_id)
                except Exception:
                    # Without a Doc that matches Postgres the room cannot serve anyone: close
                    # every socket; the room unloads and the clients' reconnects reload it.
                    logger.exception("could not reload room", extra={"diagram_id": self.diagram_id})
                    for connection in list(self.connections):
                        connection.close_with(CLOSE_SERVER_ERROR, "the diagram could not be read")
                return
        self._dirty = True

    def _fan_out(self, accepted: list[_Accepted]) -> None:
        """Send stored updates to every other socket of the room in this process."""
        for item in accepted:
            frame = protocol.update_frame(item.update)
            for connection in self.connections:
                if connection is not item.connection:
                    connection.deliver(frame)

    def _accept(self, connection: Connection, updates: list[bytes]) -> bytes | None:
        """Merge one socket's waiting updates and apply them; None when there is nothing new.

        Called with the lock held. Applying before storing is safe because nothing reads the
        Doc until the lock is released, and a failed store rebuilds the Doc from Postgres.
        """
        doc = self.loaded.doc
        try:
            update = updates[0] if len(updates) == 1 else bytes(merge_updates(*updates))
            get_state(update)  # decodes the whole update
        except (ValueError, protocol.ProtocolError):
            connection.close_with(CLOSE_BAD_MESSAGE, "not a Yjs update")
            return None
        limit = self.limits.max_document_bytes
        if self._doc_bytes + len(update) > limit:
            # The running total only grows; measure the real state before refusing.
            self._doc_bytes = len(doc.get_update())
            if self._doc_bytes + len(update) > limit:
                connection.close_with(CLOSE_TOO_BIG, "the document would be too large")
                return None
        before_state = bytes(doc.get_state())
        changes: list[bool] = []
        subscription = doc.observe(lambda _event: changes.append(True))
        try:
            doc.apply_update(update)
        except Exception:
            connection.close_with(CLOSE_BAD_MESSAGE, "not a Yjs update")
            return None
        finally:
            doc.unobserve(subscription)
        if not changes and protocol.diff_adds_nothing(
            bytes(get_update(update, before_state)), protocol.decode_state_vector(before_state)
        ):
            # Already known (a reconnecting client's sync step 2 repeats the delete set).
            # An update the Doc holds pending (it arrived before one it depends on) changes
            # nothing yet but is new: it is stored and sent like any other.
            return None
        self._doc_bytes += len(update)
        return update

    # ---- presence ---------------------------------------------------------------------------

    def relay_awareness(
        self, connection: Connection, entries: list[protocol.AwarenessEntry]
    ) -> None:
        """Record a socket's awareness entries; relay what is new to the room in every process.

        Only entries that change the table travel: every y-websocket client re-sends each
        awareness update it receives, and relaying those echoes would multiply every cursor
        move by the number of people in the room. Raises ProtocolError for a bad state.
        """
        fresh = [protocol.awareness_checked(entry) for entry in self.awareness.newer(entries)]
        for entry in fresh:
            if entry.removed:
                connection.awareness_ids.discard(entry.client_id)
            else:
                connection.awareness_ids.add(entry.client_id)
        changed = self.awareness.apply(fresh)
        if changed:
            self._queue_presence(changed, local=True)

    def _queue_presence(self, entries: list[protocol.AwarenessEntry], *, local: bool) -> None:
        for entry in entries:
            (self._presence_local if local else self._presence_remote).add(entry.client_id)
        self._presence_ready.set()

    async def _presence_loop(self) -> None:
        # Presence goes out in small batches: when 50 people move their cursors at once, each
        # socket gets a few frames instead of 50, and the clients' echoes shrink alike.
        while True:
            await self._presence_ready.wait()
            await asyncio.sleep(PRESENCE_BATCH_SECONDS)
            await self._flush_presence()

    async def _flush_presence(self) -> None:
        self._presence_ready.clear()
        local, self._presence_local = self._presence_local, set()
        remote, self._presence_remote = self._presence_remote, set()
        everyone = [self.awareness.current(client_id) for client_id in sorted(local | remote)]
        entries = [entry for entry in everyone if entry is not None]
        if not entries:
            return
        # Everyone, the sender included: a client alone in a room otherwise hears nothing for
        # 30 s and drops the connection.
        self._deliver_all(protocol.awareness_frame(protocol.encode_awareness_update(entries)))
        ours = [entry for entry in entries if entry.client_id in local]
        if ours:
            update = protocol.encode_awareness_update(ours)
            await self._group_send(AWARENESS_EVENT, update, self.channel_name)

    # ---- events from the channel layer ------------------------------------------------------

    async def _listen(self, layer: Any) -> None:
        while True:
            event = await layer.receive(self.channel_name)
            try:
                kind = event.get("type")
                if kind == DOC_UPDATE_EVENT:
                    await self.doc_update(event)
                elif kind == AWARENESS_EVENT:
                    self.awareness_update(event)
            except Exception:
                logger.exception("bad collab event", extra={"diagram_id": self.diagram_id})

    async def doc_update(self, event: dict[str, Any]) -> None:
        """An update stored elsewhere (another process, the REST API): send it on, then apply."""
        if self._sent_from_here(event.get("sender", "")):
            return  # stored by this room and already delivered to its sockets
        update = bytes(event["update"])
        frame = protocol.update_frame(update)
        self._deliver_all(frame)
        async with self.lock:
            self.loaded.doc.apply_update(update)

    def awareness_update(self, event: dict[str, Any]) -> None:
        """Presence relayed by another process: record what is new and pass it on here."""
        if self._sent_from_here(event.get("sender", "")):
            return
        entries = protocol.decode_awareness_update(bytes(event["update"]))
        fresh = [protocol.awareness_checked(entry) for entry in self.awareness.newer(entries)]
        changed = self.awareness.apply(fresh)
        if changed:
            self._queue_presence(changed, local=False)

    # ---- healing and housekeeping -----------------------------------------------------------

    async def _maintain(self) -> None:
        heal_every = max(self.limits.heal_seconds, 0.05)
        summary_every = max(self.limits.summary_seconds, 0.05)
        last_heal = last_summary = time.monotonic()
        while True:
            await asyncio.sleep(min(heal_every, summary_every))
            now = time.monotonic()
            try:
                if now - last_heal >= heal_every:
                    last_heal = now
                    await self.heal()
                if self._dirty and now - last_summary >= summary_every:
                    last_summary = now
                    self._dirty = False
                    await room_db(document_summary_refresh)(diagram_id=self.diagram_id)
            except Exception:
                logger.exception("collab maintenance failed", extra={"diagram_id": self.diagram_id})

    async def heal(self) -> None:
        """Apply rows (or a compacted snapshot) this room never received; send what was new."""
        async with self.lock:
            known = set(self.loaded.update_ids)
        snapshot, snapshot_updates, row_ids, rows = await room_db(room_missing_rows)(
            self.diagram_id, known, self._snapshot_updates
        )
        if snapshot is None and not rows:
            return
        captured: list[bytes] = []
        async with self.lock:
            doc = self.loaded.doc
            subscription = doc.observe(lambda event: captured.append(bytes(event.update)))
            try:
                if snapshot:
                    doc.apply_update(snapshot)
                for row_id, data in rows:
                    doc.apply_update(data)
                    self.loaded.update_ids.append(row_id)
            finally:
                doc.unobserve(subscription)
            if snapshot is not None:
                # Rows folded into the snapshot are gone: forget their ids, keep the ones
                # stored since we read the list.
                present = set(row_ids)
                self.loaded.update_ids = [
                    row_id
                    for row_id in self.loaded.update_ids
                    if row_id in present or row_id not in known
                ]
            self._snapshot_updates = snapshot_updates
        if captured:
            healed = captured[0] if len(captured) == 1 else bytes(merge_updates(*captured))
            logger.info("room healed a gap", extra={"diagram_id": self.diagram_id})
            self._deliver_all(protocol.update_frame(healed))

    # ---- helpers ----------------------------------------------------------------------------

    def _deliver_all(self, frame: bytes) -> None:
        for connection in self.connections:
            connection.deliver(frame)

    def _sent_from_here(self, sender: str) -> bool:
        """Stored or relayed by this room, so already delivered to its sockets."""
        return sender == self.channel_name or sender in self._local_senders

    def _remember_sender(self, channel_name: str) -> None:
        self._local_senders[channel_name] = None
        self._local_senders.move_to_end(channel_name)
        while len(self._local_senders) > RECENT_SENDERS + len(self.connections):
            self._local_senders.popitem(last=False)

    async def _group_send(self, kind: str, update: bytes, sender: str) -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        event = {"type": kind, "diagram_id": self.diagram_id, "update": update, "sender": sender}
        try:
            await layer.group_send(diagram_group(self.diagram_id), event)
        except Exception:  # presence is best effort; clients renew it every 15 s
            logger.exception("could not relay awareness", extra={"diagram_id": self.diagram_id})
