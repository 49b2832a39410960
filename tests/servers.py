"""Real server processes for tests: uvicorn on the test database, Redis as channel layer.

Use with `transactional_db` so rows a test creates are committed and visible to the server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_database_url() -> str:
    """The URL of the database pytest-django created for this run."""
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def server_env(channel_prefix: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": settings.REDIS_URL or "redis://127.0.0.1:6379/0",
            "CHANNEL_PREFIX": channel_prefix,
            "SOPSTUDIO_TESTING": "1",
            "DJANGO_DEBUG": "0",
            "DJANGO_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_JSON": "0",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


class ServerProcess:
    """One uvicorn process serving sopstudio.asgi on a free port."""

    def __init__(self, *, channel_prefix: str, port: int | None = None, **env: str) -> None:
        self.port = port or free_port()
        self.channel_prefix = channel_prefix
        self.extra_env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = Path(f"/tmp/sopstudio-test-server-{self.port}.log")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> ServerProcess:
        env = server_env(self.channel_prefix, **self.extra_env)
        env["DJANGO_CSRF_TRUSTED_ORIGINS"] = (
            f"http://127.0.0.1:{self.port},http://localhost:{self.port}"
        )
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "sopstudio.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--ws-max-size",
                "16777216",
                # As in production (Procfile): Yjs updates are small, and compressing each one
                # once per socket cost more than it saved.
                "--ws-per-message-deflate",
                "false",
                # As in production: the app alone reads X-Forwarded-For, through the trusted
                # proxy count; uvicorn must not rewrite the client address from it.
                "--no-proxy-headers",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log_path.read_text()[-3000:]}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=15)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)


@contextmanager
def running_servers(count: int = 1, **env: str) -> Iterator[list[ServerProcess]]:
    """`count` server processes sharing one Redis channel-layer prefix (one deployment)."""
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    servers = [ServerProcess(channel_prefix=prefix, **env) for _ in range(count)]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            try:
                server.stop()
            except Exception:
                server.kill()
