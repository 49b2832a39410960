"""Per-connection limits of the collaboration socket and the close codes that enforce them."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings

# Close codes. 4400-4499 tell the y-websocket client not to reconnect; the others it retries.
CLOSE_NO_ACCESS = 4403
CLOSE_UNSUPPORTED = 1003  # a text frame: the protocol is binary only
CLOSE_BAD_MESSAGE = 1007  # a binary frame that is not a y-websocket message or Yjs update
CLOSE_POLICY = 1008  # too many messages, or a client too slow to read what it is sent
CLOSE_TOO_BIG = 1009  # frame, update, awareness state or the resulting document too large
CLOSE_SERVER_ERROR = 1011  # storing failed; the client reconnects and resyncs


@dataclass(frozen=True)
class CollabLimits:
    max_frame_bytes: int
    max_update_bytes: int
    max_awareness_bytes: int
    max_document_bytes: int
    messages_per_second: int
    message_burst: int
    # Frames queued for one socket before it counts as too slow to keep up.
    outbox_frames: int
    # How often a room re-reads Postgres for updates it missed, and refreshes list columns.
    heal_seconds: float
    summary_seconds: float

    @classmethod
    def from_settings(cls) -> CollabLimits:
        return cls(
            max_frame_bytes=settings.SOPSTUDIO_WS_MAX_FRAME_BYTES,
            max_update_bytes=settings.SOPSTUDIO_WS_MAX_UPDATE_BYTES,
            max_awareness_bytes=settings.SOPSTUDIO_WS_MAX_AWARENESS_BYTES,
            max_document_bytes=settings.SOPSTUDIO_WS_MAX_DOCUMENT_BYTES,
            messages_per_second=settings.SOPSTUDIO_WS_MESSAGES_PER_SECOND,
            message_burst=settings.SOPSTUDIO_WS_MESSAGE_BURST,
            outbox_frames=settings.SOPSTUDIO_WS_OUTBOX_FRAMES,
            heal_seconds=settings.SOPSTUDIO_WS_HEAL_MS / 1000,
            summary_seconds=settings.SOPSTUDIO_WS_SUMMARY_MS / 1000,
        )


class MessageRate:
    """A token bucket: `burst` messages at once, refilled at `per_second`."""

    def __init__(self, *, per_second: int, burst: int) -> None:
        self.per_second = float(per_second)
        self.burst = float(max(burst, 1))
        self.tokens = self.burst
        self.stamp = time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.per_second)
        self.stamp = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True
