"""The collaboration socket: `/ws/diagrams/{id}` speaking the y-websocket protocol."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.contrib.auth.models import User
from pycrdt import get_state

from apps.accounts.events import membership_group
from apps.accounts.models import ROLE_CAN_EDIT
from apps.collab import protocol
from apps.collab.limits import (
    CLOSE_BAD_MESSAGE,
    CLOSE_NO_ACCESS,
    CLOSE_POLICY,
    CLOSE_TOO_BIG,
    CLOSE_UNSUPPORTED,
    CollabLimits,
    MessageRate,
)
from apps.collab.middleware import AUTH_METHOD_KEY, HAS_ORIGIN_KEY
from apps.collab.registry import room_registry
from apps.collab.rooms import Room
from apps.collab.selectors import collab_access, collab_role

logger = logging.getLogger(__name__)

_CLOSE = object()


class DiagramConsumer(AsyncWebsocketConsumer):
    """Serves one diagram's live document and presence to one socket."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user: User | None = None
        self.diagram_id = 0
        self.workspace_id = 0
        self.read_only = True
        self.room: Room | None = None
        self.closing = False
        self.awareness_ids: set[int] = set()
        self.limits = CollabLimits.from_settings()
        self.rate = MessageRate(
            per_second=self.limits.messages_per_second, burst=self.limits.message_burst
        )
        self._outbox: deque[Any] = deque()
        self._outbox_ready = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self._user_group = ""

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels sweeps stale database connections before every message, through the one
        # shared database thread, so every frame would wait behind the room's writes and a
        # burst could never be merged. Our database calls sweep for themselves.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # ---- connect / disconnect ---------------------------------------------------------------

    async def connect(self) -> None:
        # Always accept first: only a close after accept stops the client from retrying.
        await self.accept()
        self._writer = asyncio.create_task(self._write_outbox())
        user = self.scope.get("user")
        try:
            self.diagram_id = int(self.scope["url_route"]["kwargs"]["diagram_id"])
        except (KeyError, TypeError, ValueError):
            self.close_with(CLOSE_NO_ACCESS, "no such diagram")
            return
        if user is None or not user.is_authenticated:
            self.close_with(CLOSE_NO_ACCESS, "not signed in")
            return
        if not self.scope.get(HAS_ORIGIN_KEY) and self.scope.get(AUTH_METHOD_KEY) != "token":
            # Browsers always send Origin; a cookie without one is not a page of ours.
            self.close_with(CLOSE_NO_ACCESS, "origin required")
            return
        self.user = user
        # Join the user's group before reading the role, so a change in between is not missed.
        self._user_group = membership_group(user.pk)
        await self.channel_layer.group_add(self._user_group, self.channel_name)
        access = await database_sync_to_async(collab_access)(user=user, diagram_id=self.diagram_id)
        if access is None:
            self.close_with(CLOSE_NO_ACCESS, "no access to this diagram")
            return
        self.workspace_id = access.workspace_id
        self.read_only = not access.can_edit
        try:
            self.room, state_vector = await room_registry().join(self.diagram_id, self)
        except Exception:
            logger.exception("could not open room", extra={"diagram_id": self.diagram_id})
            self.close_with(CLOSE_NO_ACCESS, "diagram unavailable")
            return
        if not self.read_only:
            # Ask for whatever the client has that we lack (edits made while offline).
            self.deliver(protocol.sync_step1_frame(state_vector))
        presence = self.room.awareness_snapshot_frame()
        if presence is not None:
            self.deliver(presence)

    async def disconnect(self, code: int) -> None:
        self.closing = True
        if self._user_group:
            await self.channel_layer.group_discard(self._user_group, self.channel_name)
        if self.room is not None:
            room, self.room = self.room, None
            await room_registry().leave(room, self)
        if self._writer is not None:
            self._writer.cancel()

    # ---- frames from the client -------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.closing or self.room is None:
            return
        if bytes_data is None:
            self.close_with(CLOSE_UNSUPPORTED, "binary frames only")
            return
        if len(bytes_data) > self.limits.max_frame_bytes:
            self.close_with(CLOSE_TOO_BIG, "frame too large")
            return
        if not self.rate.allow():
            self.close_with(CLOSE_POLICY, "too many messages")
            return
        try:
            message = protocol.decode_message(bytes_data)
        except protocol.ProtocolError:
            self.close_with(CLOSE_BAD_MESSAGE, "not a y-websocket message")
            return
        if isinstance(message, protocol.SyncMessage):
            await self._receive_sync(message)
        elif isinstance(message, protocol.AwarenessMessage):
            await self._receive_awareness(message.update)
        elif isinstance(message, protocol.QueryAwarenessMessage):
            presence = self.room.awareness_snapshot_frame()
            if presence is not None:
                self.deliver(presence)
        # Auth messages are server-to-client only; one from a client is ignored.

    async def _receive_sync(self, message: protocol.SyncMessage) -> None:
        assert self.room is not None
        if message.sync_type == protocol.SyncType.STEP1:
            # Answered at any time, from the room's Doc, on this socket only (periodic resync).
            try:
                reply = await self.room.answer_sync_step1(message.payload)
            except ValueError:
                self.close_with(CLOSE_BAD_MESSAGE, "not a state vector")
                return
            self.deliver(reply)
            return
        if self.read_only:
            return  # viewers receive everything; what they send is never applied or stored
        update = message.payload
        if len(update) > self.limits.max_update_bytes:
            self.close_with(CLOSE_TOO_BIG, "update too large")
            return
        if update == protocol.EMPTY_UPDATE:
            return
        try:
            get_state(update)  # decodes the whole update: garbage never reaches the writer
        except ValueError:
            self.close_with(CLOSE_BAD_MESSAGE, "not a Yjs update")
            return
        self.room.submit(self, update)

    async def _receive_awareness(self, update: bytes) -> None:
        assert self.room is not None
        if len(update) > self.limits.max_awareness_bytes:
            self.close_with(CLOSE_TOO_BIG, "awareness state too large")
            return
        try:
            self.room.relay_awareness(self, protocol.decode_awareness_update(update))
        except protocol.ProtocolError:
            self.close_with(CLOSE_BAD_MESSAGE, "not an awareness update")

    # ---- channel-layer events ---------------------------------------------------------------

    async def membership_changed(self, event: dict[str, Any]) -> None:
        """The user's role in some workspace changed: re-check it for this diagram now."""
        if self.closing or self.user is None or event.get("workspace_id") != self.workspace_id:
            return
        role = await database_sync_to_async(collab_role)(
            user=self.user, workspace_id=self.workspace_id
        )
        if role is None:
            self.close_with(CLOSE_NO_ACCESS, "access revoked")
            return
        was_read_only = self.read_only
        self.read_only = role not in ROLE_CAN_EDIT
        if was_read_only and not self.read_only and self.room is not None:
            self.deliver(protocol.sync_step1_frame(await self.room.state_vector()))

    async def doc_update(self, event: dict[str, Any]) -> None:
        """A `doc.update` addressed to this socket alone: send it unless it is our own."""
        if self.room is None or event.get("sender") == self.channel_name:
            return
        self.deliver(protocol.update_frame(bytes(event["update"])))

    # ---- frames to the client ---------------------------------------------------------------

    def deliver(self, frame: bytes) -> None:
        """Queue a frame; a client that cannot keep up is closed instead of buffering forever."""
        if self.closing:
            return
        if len(self._outbox) >= self.limits.outbox_frames:
            self._outbox.clear()
            self.close_with(CLOSE_POLICY, "too slow to keep up")
            return
        self._outbox.append(frame)
        self._outbox_ready.set()

    def close_with(self, code: int, reason: str) -> None:
        """Close after the frames already queued; nothing more is read or applied."""
        if self.closing:
            return
        self.closing = True
        self._outbox.append((_CLOSE, code, reason))
        self._outbox_ready.set()

    async def _write_outbox(self) -> None:
        # One writer per socket keeps frames in order and lets a slow socket lag alone.
        try:
            while True:
                await self._outbox_ready.wait()
                self._outbox_ready.clear()
                while self._outbox:
                    item = self._outbox.popleft()
                    if isinstance(item, tuple):
                        await self.close(code=item[1], reason=item[2])
                        return
                    await self.send(bytes_data=item)
        except asyncio.CancelledError:
            raise
        except Exception:  # the client went away mid-send; disconnect() cleans up
            logger.debug("socket send failed", exc_info=True)
