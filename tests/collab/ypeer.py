"""An in-process y-websocket peer: a pycrdt Doc speaking the protocol through an ASGI
communicator to the real application (origin and auth middleware, routing, consumer)."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import unquote, urlsplit

from asgiref.testing import ApplicationCommunicator
from pycrdt import Doc, Map

from apps.collab import protocol
from sopstudio.asgi import application

ORIGIN = "http://127.0.0.1:8000"
HOST = "127.0.0.1:8000"


class WebsocketCommunicator(ApplicationCommunicator):  # type: ignore[misc]
    """Like Channels' test communicator, except that waiting in vain for a frame does not
    cancel the application (we poll for quiet) and it needs no ASGI server installed."""

    def __init__(self, app: Any, path: str, headers: list[tuple[bytes, bytes]]) -> None:
        parts = urlsplit(path)
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "path": unquote(parts.path),
            "raw_path": parts.path.encode(),
            "query_string": parts.query.encode(),
            "headers": headers,
            "subprotocols": [],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
        }
        super().__init__(app, scope)

    async def connect(self, timeout: float = 10) -> tuple[bool, Any]:
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        return response["type"] == "websocket.accept", response

    async def send_to(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        message: dict[str, Any] = {"type": "websocket.receive"}
        if text_data is not None:
            message["text"] = text_data
        else:
            message["bytes"] = bytes_data
        await self.send_input(message)

    async def receive_output(self, timeout: float = 1) -> dict[str, Any]:
        if self.future.done():
            self.future.result()
        get = asyncio.ensure_future(self.output_queue.get())
        done, _ = await asyncio.wait(
            {get, self.future}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if get in done:
            return get.result()
        get.cancel()
        if self.future.done():
            self.future.result()
        raise TimeoutError

    async def disconnect(self, code: int = 1000, timeout: float = 5) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        try:
            await asyncio.wait_for(asyncio.shield(self.future), timeout)
        except TimeoutError:
            self.future.cancel()


class YPeer:
    """A client with its own Doc; edits made while disconnected are sent on the next sync."""

    def __init__(
        self,
        diagram_id: int,
        *,
        token: str | None = None,
        cookie: str | None = None,
        origin: str | None = ORIGIN,
        host: str | None = HOST,
    ) -> None:
        self.diagram_id = diagram_id
        self.host = host
        self.token = token
        self.cookie = cookie
        self.origin = origin
        self.doc: Doc = Doc()
        self.comm: WebsocketCommunicator | None = None
        self.close_code: int | None = None
        self.awareness: dict[int, str] = {}
        self.received_updates = 0
        self._unsent: list[bytes] = []
        self._applying_remote = False
        self.doc.observe(self._on_local_change)

    def _on_local_change(self, event: Any) -> None:
        if not self._applying_remote:
            self._unsent.append(bytes(event.update))

    @property
    def nodes(self) -> Map:
        return self.doc.get("nodes", type=Map)

    async def connect(self, *, handshake: bool = True) -> None:
        headers: list[tuple[bytes, bytes]] = []
        if self.host:
            headers.append((b"host", self.host.encode()))
        if self.origin:
            headers.append((b"origin", self.origin.encode()))
        if self.cookie:
            headers.append((b"cookie", self.cookie.encode()))
        path = f"/ws/diagrams/{self.diagram_id}"
        if self.token:
            path += f"?token={self.token}"
        self.comm = WebsocketCommunicator(application, path, headers=headers)
        self.close_code = None
        connected, _ = await self.comm.connect(timeout=10)
        assert connected, "the server must accept before it decides (then close with a code)"
        # Offline edits travel in the sync step 2 we send when the server asks (sync step 1).
        self._unsent.clear()
        if handshake:
            await self.send(protocol.sync_step1_frame(bytes(self.doc.get_state())))

    async def disconnect(self) -> None:
        if self.comm is not None:
            await self.comm.disconnect()
            self.comm = None

    async def send(self, frame: bytes) -> None:
        assert self.comm is not None
        await self.comm.send_to(bytes_data=frame)

    async def send_text(self, text: str) -> None:
        assert self.comm is not None
        await self.comm.send_to(text_data=text)

    def edit(self, change: Any) -> None:
        """Make a local change (a callable taking the nodes map) in one transaction."""
        with self.doc.transaction():
            change(self.nodes)

    async def flush(self) -> None:
        """Send local changes made since the last flush, one update message each."""
        pending, self._unsent = self._unsent, []
        if self.comm is None:
            # Offline: keep them; the next sync carries them anyway.
            return
        for update in pending:
            await self.send(protocol.update_frame(update))

    async def pump(self, timeout: float = 0.05) -> int:
        """Handle frames until none arrives for `timeout` seconds; returns how many arrived."""
        count = 0
        while self.comm is not None:
            try:
                output = await self.comm.receive_output(timeout=timeout)
            except TimeoutError:
                return count
            count += 1
            await self._handle(output)
        return count

    async def next_frame(self, timeout: float = 5.0) -> dict[str, Any]:
        assert self.comm is not None
        output = await self.comm.receive_output(timeout=timeout)
        await self._handle(output)
        return output

    async def wait_closed(self, timeout: float = 5.0) -> int | None:
        """Read until the server closes the socket; returns the close code."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.close_code is None:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError("the server did not close the socket")
            await self.next_frame(timeout=remaining)
        return self.close_code

    async def _handle(self, output: dict[str, Any]) -> None:
        if output["type"] == "websocket.close":
            self.close_code = output.get("code", 1000)
            self.comm = None
            return
        frame = output.get("bytes")
        if frame is None:
            return
        message = protocol.decode_message(frame)
        if isinstance(message, protocol.SyncMessage):
            if message.sync_type == protocol.SyncType.STEP1:
                reply = bytes(self.doc.get_update(message.payload))
                await self.send(protocol.sync_step2_frame(reply))
            else:
                self.received_updates += 1
                self._applying_remote = True
                try:
                    self.doc.apply_update(message.payload)
                finally:
                    self._applying_remote = False
        elif isinstance(message, protocol.AwarenessMessage):
            for entry in protocol.decode_awareness_update(message.update):
                if entry.removed:
                    self.awareness.pop(entry.client_id, None)
                else:
                    self.awareness[entry.client_id] = entry.state


def sop_node(label: str, **values: Any) -> Map:
    """A node as the editor creates it (kind, stage, label, position, fields)."""
    return Map(
        {"kind": "process", "stage": "model", "label": label, "x": 0, "y": 0, "fields": Map()}
        | values
    )


def awareness_frame(client_id: int, clock: int, state: str) -> bytes:
    entry = protocol.AwarenessEntry(client_id, clock, state)
    return protocol.awareness_frame(protocol.encode_awareness_update([entry]))


def nodes_json(doc: Doc) -> dict[str, Any]:
    return doc.get("nodes", type=Map).to_py() or {}
