"""What the parts of a room share: its sockets, its Doc and the lock that guards the Doc."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Protocol

from django.contrib.auth.models import User

from apps.collab.limits import CollabLimits
from apps.diagrams.docguard import DocGuard
from apps.diagrams.live import LoadedDocument


class Connection(Protocol):
    """What a room needs from a socket."""

    channel_name: str
    user: User | None
    awareness_ids: set[int]

    def deliver(self, frame: bytes) -> None: ...

    def close_with(self, code: int, reason: str) -> None: ...


@dataclass
class RoomCore:
    """The state of one room that its writer, presence and healing read and change."""

    diagram_id: int
    limits: CollabLimits
    loaded: LoadedDocument
    guard: DocGuard
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    connections: list[Connection] = field(default_factory=list)
    # The room's own channel in the diagram's group; set when the room opens.
    channel_name: str = ""
    # Stored updates since the list columns were last refreshed.
    dirty: bool = False

    def use_document(self, loaded: LoadedDocument) -> None:
        """Serve `loaded` from now on (the room opened, or rebuilt its Doc from Postgres)."""
        self.guard.close()
        self.loaded = loaded
        self.guard = DocGuard(loaded.doc)

    def deliver_all(self, frame: bytes) -> None:
        for connection in self.connections:
            connection.deliver(frame)
