"""Drive stock y-websocket clients (tests/collab/node/peers.mjs) from Python tests."""

from __future__ import annotations

import itertools
import json
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

NODE_DIR = Path(__file__).resolve().parent / "node"


def node_available() -> bool:
    return shutil.which("node") is not None and (NODE_DIR / "node_modules" / "y-websocket").exists()


class NodePeers:
    """One Node process holding any number of named y-websocket peers."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            ["node", str(NODE_DIR / "peers.mjs")],
            cwd=NODE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self._ids = itertools.count(1)
        self._answers: queue.Queue[dict[str, Any]] = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._answers.put(json.loads(line))

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line)

    def call(self, cmd: str, **args: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        command_id = next(self._ids)
        self.process.stdin.write(json.dumps({"id": command_id, "cmd": cmd, **args}) + "\n")
        self.process.stdin.flush()
        while True:
            try:
                answer = self._answers.get(timeout=20)
            except queue.Empty:
                raise AssertionError(f"node peers did not answer {cmd}: {''.join(self.stderr)}")
            if answer.get("id") == command_id:
                if not answer.get("ok"):
                    raise AssertionError(f"{cmd} failed: {answer.get('error')}")
                return answer

    def connect(
        self, peer: str, *, ws_base: str, diagram_id: int, token: str, resync_ms: int = -1
    ) -> None:
        self.call(
            "connect",
            peer=peer,
            url=f"{ws_base}/ws/diagrams",
            room=str(diagram_id),
            params={"token": token},
            resync=resync_ms,
        )

    def edit(self, peer: str, *ops: dict[str, Any]) -> None:
        self.call("edit", peer=peer, ops=list(ops))

    def snapshot(self, peer: str) -> dict[str, Any]:
        return self.call("snapshot", peer=peer)

    def content(self, peer: str) -> dict[str, Any]:
        return normalise(self.snapshot(peer)["content"])

    def wait_for(
        self, peer: str, predicate: Callable[[dict[str, Any]], bool], timeout: float = 15.0
    ) -> dict[str, Any]:
        """Poll a peer's snapshot until `predicate` holds; fail with the last snapshot."""
        deadline = time.monotonic() + timeout
        while True:
            snap = self.snapshot(peer)
            if predicate(snap):
                return snap
            if time.monotonic() > deadline:
                raise AssertionError(f"{peer} never reached the expected state: {snap}")
            time.sleep(0.05)

    def wait_synced(self, peer: str, timeout: float = 15.0) -> dict[str, Any]:
        return self.wait_for(peer, lambda snap: snap["synced"] and snap["connected"], timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def normalise(value: Any) -> Any:
    """JSON as both sides project it: Yjs numbers are floats, pycrdt's may be ints."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict):
        return {key: normalise(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalise(item) for item in value]
    return value
