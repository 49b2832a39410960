"""A real Celery worker for tests: a subprocess on the pytest test database and Redis.

Each test session gets its own queue name, so a developer's running worker (or another test
run) never takes our messages. Use with `transactional_db` so the worker sees committed rows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from sopstudio.celery import app as celery_app
from tests.servers import ROOT, server_env

SESSION_QUEUE = f"test-exports-{uuid.uuid4().hex[:10]}"


class WorkerProcess:
    """`celery worker` (prefork, one child) consuming one queue."""

    def __init__(self, *, queue: str, media_root: Path, **env: str) -> None:
        self.queue = queue
        self.media_root = media_root
        self.extra_env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = Path(f"/tmp/sopstudio-test-worker-{queue}.log")

    def start(self, timeout: float = 60.0) -> WorkerProcess:
        env = server_env(f"test-{self.queue}", **self.extra_env)
        env.update(
            {
                "CELERY_QUEUE": self.queue,
                "CELERY_TASK_ALWAYS_EAGER": "0",
                "MEDIA_ROOT": str(self.media_root),
            }
        )
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "sopstudio",
                "worker",
                "--queues",
                self.queue,
                "--hostname",
                f"{self.queue}@%h",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited: {self.log_path.read_text()[-3000:]}")
            if " ready." in self.log_path.read_text(errors="replace"):
                return self
            time.sleep(0.2)
        raise RuntimeError(f"worker did not start: {self.log_path.read_text()[-3000:]}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@contextmanager
def routed_to(queue: str) -> Iterator[None]:
    """Publish this process's tasks to `queue`, for real (not inline)."""
    conf = celery_app.conf
    saved = (conf.task_default_queue, conf.task_always_eager)
    conf.task_default_queue = queue
    conf.task_always_eager = False
    try:
        yield
    finally:
        conf.task_default_queue, conf.task_always_eager = saved


@pytest.fixture(scope="module")
def celery_worker_process(
    django_db_setup: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WorkerProcess]:
    """One real worker per test module, on this session's queue, sharing MEDIA_ROOT."""
    media_root = tmp_path_factory.mktemp("worker-media")
    worker = WorkerProcess(queue=SESSION_QUEUE, media_root=media_root).start()
    try:
        with routed_to(worker.queue):
            yield worker
    finally:
        worker.stop()


def child_pids(pid: int) -> list[int]:
    """The direct children of a process (Linux /proc)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(value) for value in children.read_text().split()]
    except FileNotFoundError:
        return []


def kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
