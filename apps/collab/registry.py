"""The rooms of a process: one per open diagram, joined and left one socket at a time."""

from __future__ import annotations

import asyncio
import weakref

from apps.collab.limits import CollabLimits
from apps.collab.rooms import Connection, Room
from apps.diagrams.live import UpdateAppender


class RoomRegistry:
    """The rooms of one event loop; joining and leaving one diagram are serialised."""

    def __init__(self) -> None:
        self.rooms: dict[int, Room] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        # One database connection for all rooms of the loop, open while any room is.
        self.appender = UpdateAppender()

    def _lock(self, diagram_id: int) -> asyncio.Lock:
        return self._locks.setdefault(diagram_id, asyncio.Lock())

    async def join(self, diagram_id: int, connection: Connection) -> tuple[Room, bytes]:
        """The diagram's room (loaded if needed) with the socket admitted, and its state vector."""
        async with self._lock(diagram_id):
            room = self.rooms.get(diagram_id)
            if room is None:
                room = Room(diagram_id, CollabLimits.from_settings(), self.appender)
                await room.open()
                self.rooms[diagram_id] = room
            state_vector = await room.add(connection)
            return room, state_vector

    async def leave(self, room: Room, connection: Connection) -> None:
        """Remove the socket; the last one out unloads the room."""
        async with self._lock(room.diagram_id):
            await room.remove(connection)
            if room.connections or self.rooms.get(room.diagram_id) is not room:
                return
            del self.rooms[room.diagram_id]
            await room.close()
            if not self.rooms:
                # An idle process holds no connection (and tests' databases can be dropped);
                # the next room's first write reconnects.
                await self.appender.close()


_registries: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RoomRegistry] = (
    weakref.WeakKeyDictionary()
)


def room_registry() -> RoomRegistry:
    """This event loop's rooms (a process serves from one loop; tests may run several)."""
    loop = asyncio.get_running_loop()
    registry = _registries.get(loop)
    if registry is None:
        registry = _registries[loop] = RoomRegistry()
    return registry
