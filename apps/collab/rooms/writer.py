"""The writer of a room: merge, check, store, then send on each burst of clients' updates."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from django.contrib.auth.models import User
from pycrdt import get_state, get_update, merge_updates

from apps.collab import protocol
from apps.collab.limits import CLOSE_BAD_MESSAGE, CLOSE_SERVER_ERROR, CLOSE_TOO_BIG
from apps.collab.rooms.core import Connection, RoomCore
from apps.diagrams.docguard import UndecodableUpdate
from apps.diagrams.live import (
    AcceptedUpdate,
    LoadedDocument,
    UpdateAppender,
    document_append_accepted,
)

logger = logging.getLogger(__name__)


@dataclass
class _Accepted:
    connection: Connection
    update: bytes
    # A repaired update goes back to its sender too: it must see the repair.
    echo: bool


def _user_id(user: User | None) -> int | None:
    return user.pk if user is not None and user.is_authenticated else None


class RoomWriter:
    """Stores each socket's accepted updates before anyone else is sent them."""

    def __init__(
        self,
        core: RoomCore,
        appender: UpdateAppender,
        reload: Callable[[], Awaitable[LoadedDocument]],
    ) -> None:
        self.core = core
        self.appender = appender
        self._reload = reload
        self._pending: list[tuple[Connection, bytes]] = []
        self._wake = asyncio.Event()
        self.drained = asyncio.Event()
        self.drained.set()
        self._doc_bytes = len(core.loaded.state())

    def submit(self, connection: Connection, update: bytes) -> None:
        """Queue a client's update; bursts are merged before they are stored."""
        self._pending.append((connection, update))
        self.drained.clear()
        self._wake.set()

    async def run(self) -> None:
        """The writer task: one batch at a time, for as long as the room is open."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                batch, self._pending = self._pending, []
                try:
                    await self._write_batch(batch)
                except Exception:  # keep the room serving; the senders resync on reconnect
                    logger.exception(
                        "collab write failed", extra={"diagram_id": self.core.diagram_id}
                    )
            self.drained.set()

    async def _write_batch(self, batch: list[tuple[Connection, bytes]]) -> None:
        per_connection: dict[int, tuple[Connection, list[bytes]]] = {}
        for connection, update in batch:
            per_connection.setdefault(id(connection), (connection, []))[1].append(update)
        accepted: list[_Accepted] = []
        core = self.core
        async with core.lock:
            broken = False
            for connection, updates in per_connection.values():
                try:
                    item = self._accept(connection, updates)
                except Exception:
                    # The check itself failed: the Doc may hold what Postgres must not.
                    logger.exception("update check failed", extra={"diagram_id": core.diagram_id})
                    connection.close_with(CLOSE_SERVER_ERROR, "could not check the change")
                    broken = True
                    break
                if item is not None:
                    accepted.append(item)
            if broken:
                await self._rebuild(accepted)
                return
            if not accepted:
                return
            try:
                await document_append_accepted(
                    appender=self.appender,
                    loaded=core.loaded,
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
                logger.exception("could not store updates", extra={"diagram_id": core.diagram_id})
                await self._rebuild(accepted)
                return
        core.dirty = True

    async def _rebuild(self, accepted: list[_Accepted]) -> None:
        """The Doc holds changes Postgres does not: rebuild it from Postgres and make the
        senders reconnect, which re-sends their changes through a full sync."""
        for item in accepted:
            item.connection.close_with(CLOSE_SERVER_ERROR, "could not store the change")
        try:
            self.core.use_document(await self._reload())
            self._doc_bytes = len(self.core.loaded.state())
        except Exception:
            # Without a Doc that matches Postgres the room cannot serve anyone: close every
            # socket; the room unloads and the clients' reconnects reload it.
            logger.exception("could not reload room", extra={"diagram_id": self.core.diagram_id})
            for connection in list(self.core.connections):
                connection.close_with(CLOSE_SERVER_ERROR, "the diagram could not be read")

    def _fan_out(self, accepted: list[_Accepted]) -> None:
        """Send stored updates to the room's sockets in this process."""
        for item in accepted:
            frame = protocol.update_frame(item.update)
            for connection in self.core.connections:
                if item.echo or connection is not item.connection:
                    connection.deliver(frame)

    def _accept(self, connection: Connection, updates: list[bytes]) -> _Accepted | None:
        """Merge one socket's waiting updates, apply and check them; None when nothing is new.

        Called with the lock held. Applying before storing is safe because nothing reads the
        Doc until the lock is released, and a failed store rebuilds the Doc from Postgres.
        """
        doc = self.core.loaded.doc
        try:
            update = updates[0] if len(updates) == 1 else bytes(merge_updates(*updates))
            get_state(update)  # decodes the whole update
        except (ValueError, protocol.ProtocolError):
            connection.close_with(CLOSE_BAD_MESSAGE, "not a Yjs update")
            return None
        limit = self.core.limits.max_document_bytes
        if self._doc_bytes + len(update) > limit:
            # The running total only grows; measure the real state before refusing.
            self._doc_bytes = len(doc.get_update())
            if self._doc_bytes + len(update) > limit:
                connection.close_with(CLOSE_TOO_BIG, "the document would be too large")
                return None
        before_state = bytes(doc.get_state())
        try:
            checked = self.core.guard.apply(update)
        except UndecodableUpdate:
            connection.close_with(CLOSE_BAD_MESSAGE, "not a Yjs update")
            return None
        if checked.repaired:
            logger.info(
                "repaired an update the schema refuses",
                extra={"diagram_id": self.core.diagram_id, "repairs": list(checked.repairs[:20])},
            )
        elif not checked.integrated and protocol.diff_adds_nothing(
            bytes(get_update(update, before_state)), protocol.decode_state_vector(before_state)
        ):
            # Already known (a reconnecting client's sync step 2 repeats the delete set).
            # An update the Doc holds pending (it arrived before one it depends on) changes
            # nothing yet but is new: it is stored and sent like any other.
            return None
        self._doc_bytes += len(checked.update)
        return _Accepted(connection, checked.update, echo=checked.repaired)
