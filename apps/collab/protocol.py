"""The y-websocket wire protocol: decode what a client sends, encode what we send back.

Every frame is one message: a varuint message type, then for sync messages a varuint sync
type and a length-prefixed payload (a state vector or a Yjs update), for awareness a
length-prefixed awareness update. Decoding is strict: anything that does not parse exactly is
a `ProtocolError`, so a garbage frame never reaches the document.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

MESSAGE_SYNC = 0
MESSAGE_AWARENESS = 1
MESSAGE_AUTH = 2
MESSAGE_QUERY_AWARENESS = 3

EMPTY_UPDATE = b"\x00\x00"


class SyncType(IntEnum):
    STEP1 = 0
    STEP2 = 1
    UPDATE = 2


class ProtocolError(ValueError):
    """A frame that is not a well-formed y-websocket message."""


@dataclass(frozen=True)
class SyncMessage:
    sync_type: SyncType
    # A state vector for step 1, a Yjs update for step 2 and update.
    payload: bytes


@dataclass(frozen=True)
class AwarenessMessage:
    update: bytes


@dataclass(frozen=True)
class QueryAwarenessMessage:
    pass


@dataclass(frozen=True)
class AuthMessage:
    pass


Message = SyncMessage | AwarenessMessage | QueryAwarenessMessage | AuthMessage


class Reader:
    """Reads lib0 varuints and length-prefixed byte strings, refusing to run past the end."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def at_end(self) -> bool:
        return self.pos >= len(self.data)

    def var_uint(self) -> int:
        value = 0
        shift = 0
        while True:
            if self.pos >= len(self.data):
                raise ProtocolError("truncated varuint")
            byte = self.data[self.pos]
            self.pos += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7
            # lib0 numbers fit in 53 bits; a longer run of continuation bytes is garbage.
            if shift > 56:
                raise ProtocolError("varuint too long")

    def var_bytes(self) -> bytes:
        length = self.var_uint()
        end = self.pos + length
        if end > len(self.data):
            raise ProtocolError("length prefix runs past the end of the frame")
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def var_string(self) -> str:
        try:
            return self.var_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtocolError("string is not UTF-8") from exc


def var_uint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


def var_bytes(data: bytes) -> bytes:
    return var_uint(len(data)) + data


def var_string(text: str) -> bytes:
    # lib0 prefixes strings with their UTF-8 byte length, not their character count.
    return var_bytes(text.encode("utf-8"))


def decode_message(frame: bytes) -> Message:
    """Parse one client frame; raise ProtocolError for anything that is not exactly a message."""
    reader = Reader(frame)
    message_type = reader.var_uint()
    message: Message
    if message_type == MESSAGE_SYNC:
        sync_type = reader.var_uint()
        if sync_type not in (SyncType.STEP1, SyncType.STEP2, SyncType.UPDATE):
            raise ProtocolError(f"unknown sync message type {sync_type}")
        message = SyncMessage(SyncType(sync_type), reader.var_bytes())
    elif message_type == MESSAGE_AWARENESS:
        message = AwarenessMessage(reader.var_bytes())
    elif message_type == MESSAGE_QUERY_AWARENESS:
        message = QueryAwarenessMessage()
    elif message_type == MESSAGE_AUTH:
        # Clients never send auth messages; we read and ignore whatever follows.
        return AuthMessage()
    else:
        raise ProtocolError(f"unknown message type {message_type}")
    if not reader.at_end():
        raise ProtocolError("trailing bytes after the message")
    return message


def sync_step1_frame(state_vector: bytes) -> bytes:
    return bytes((MESSAGE_SYNC, SyncType.STEP1)) + var_bytes(state_vector)


def sync_step2_frame(update: bytes) -> bytes:
    return bytes((MESSAGE_SYNC, SyncType.STEP2)) + var_bytes(update)


def update_frame(update: bytes) -> bytes:
    return bytes((MESSAGE_SYNC, SyncType.UPDATE)) + var_bytes(update)


def awareness_frame(awareness_update: bytes) -> bytes:
    return bytes((MESSAGE_AWARENESS,)) + var_bytes(awareness_update)


def decode_state_vector(state_vector: bytes) -> dict[int, int]:
    """client id -> next expected clock, as encoded by `Doc.get_state()` / `get_state(update)`."""
    reader = Reader(state_vector)
    count = reader.var_uint()
    clocks: dict[int, int] = {}
    for _ in range(count):
        client = reader.var_uint()
        clocks[client] = reader.var_uint()
    if not reader.at_end():
        raise ProtocolError("trailing bytes after the state vector")
    return clocks


def state_vector_covers(have: dict[int, int], other: dict[int, int]) -> bool:
    """True when every struct `other` describes is already in `have`."""
    return all(have.get(client, 0) >= clock for client, clock in other.items())


def diff_adds_nothing(diff: bytes, have: dict[int, int]) -> bool:
    """True when a diff update (`get_update(update, state)`) holds no struct and deletes only
    items `have` already covers.

    `get_state(update)` cannot decide this: it counts only the clocks an update holds from
    zero, so an update that arrives before one it depends on looks empty, and would be
    dropped although the Doc keeps it pending. A delete of an item not yet received is
    pending the same way.
    """
    reader = Reader(diff)
    if reader.var_uint() != 0:  # a struct section for some client: something new
        return False
    for _ in range(reader.var_uint()):  # the delete set: client, ranges of (clock, length)
        client = reader.var_uint()
        known = have.get(client, 0)
        for _ in range(reader.var_uint()):
            clock, length = reader.var_uint(), reader.var_uint()
            if clock + length > known:
                return False
    return True


@dataclass(frozen=True)
class AwarenessEntry:
    client_id: int
    clock: int
    # The client's state as the JSON text it sent; "null" means the client went away.
    state: str

    @property
    def removed(self) -> bool:
        return self.state == "null"


def decode_awareness_update(update: bytes) -> list[AwarenessEntry]:
    """Parse the structure of an awareness update; states are checked by `presence`."""
    reader = Reader(update)
    count = reader.var_uint()
    entries: list[AwarenessEntry] = []
    for _ in range(count):
        client_id = reader.var_uint()
        clock = reader.var_uint()
        entries.append(AwarenessEntry(client_id, clock, reader.var_string()))
    if not reader.at_end():
        raise ProtocolError("trailing bytes after the awareness update")
    return entries


def encode_awareness_update(entries: list[AwarenessEntry]) -> bytes:
    parts = [var_uint(len(entries))]
    for entry in entries:
        parts.append(var_uint(entry.client_id))
        parts.append(var_uint(entry.clock))
        parts.append(var_string(entry.state))
    return b"".join(parts)
