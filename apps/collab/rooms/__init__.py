"""Rooms: one authoritative pycrdt Doc per open diagram per server process.

A room is loaded through the live-document service when its first socket joins and unloaded
when its last one leaves. Its parts, each one layer below the room:

- `core`: what every part shares, above all the Doc, guarded by `lock`: everything that reads
  or changes it (answering a sync step 1, storing a client's update, applying an update from
  elsewhere) holds the lock, so no socket is ever shown an update that is not committed yet;
- `writer`: merges the updates waiting per socket, applies them through the document guard
  (which repairs what the schema refuses), appends them to Postgres in one committed INSERT
  and only then sends them on (the channel layer carries them to other processes after the
  commit);
- `presence`: the awareness table of everyone present in any process, relayed in batches;
- `heal`: re-reads Postgres for rows the room never heard of (a dropped channel-layer
  message) and refreshes the diagram's list columns while it is being edited;
- `room`: the lifecycle, the sockets and the one channel-layer channel in the diagram's group,
  so an update from another process or from the REST API is decoded once per process.
"""

from __future__ import annotations

from apps.collab.rooms.core import Connection
from apps.collab.rooms.room import Room

__all__ = ["Connection", "Room"]
