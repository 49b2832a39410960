"""Run one render in a child process under CPU-time, memory and wall-clock limits.

A document that takes too long or too much memory to draw fails its own job with a clear
reason; the worker that asked for it keeps running.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings

from apps.exports.render import RenderRequest
from sopstudio.env import env_int

ROOT = Path(__file__).resolve().parent.parent.parent
# The child gets no database URL, secret key or broker address: it needs none of them.
_ENV_KEEP = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "HOME", "TMPDIR", "FONTCONFIG_FILE")


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int
    memory_mb: int
    wall_seconds: int


def _setting(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    return int(value) if value is not None else env_int(name, default)


def export_limits() -> Limits:
    """Per-render limits; settings or environment variables override the defaults."""
    return Limits(
        cpu_seconds=_setting("SOPSTUDIO_EXPORT_CPU_SECONDS", 120),
        memory_mb=_setting("SOPSTUDIO_EXPORT_MEMORY_MB", 2048),
        wall_seconds=_setting("SOPSTUDIO_EXPORT_WALL_SECONDS", 300),
    )


class RenderFailed(Exception):
    """The render did not produce a file; `reason` is fit to show the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _child_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key in _ENV_KEEP}
    env.update(
        {
            key: value
            for key, value in os.environ.items()
            if key.startswith(("XDG_", "LC_", "FONTCONFIG"))
        }
    )
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONPATH"] = str(ROOT)
    return env


def _feed(stream: IO[bytes], payload: bytes) -> None:
    try:
        stream.write(payload)
        stream.close()
    except (BrokenPipeError, OSError):
        pass  # the child died (a limit): its exit status says why


def _drain(stream: IO[bytes], lines: queue.Queue[str | None]) -> None:
    for raw in stream:
        lines.put(raw.decode("utf-8", "replace").strip())
    lines.put(None)


def _reason(returncode: int, errors: list[str], limits: Limits) -> str:
    if returncode < 0:
        sig = -returncode
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            return (
                f"Rendering stopped: it used more than {limits.cpu_seconds} s of CPU time "
                "or ran out of memory. Export a smaller part, or ask an administrator to "
                "raise the limits."
            )
        return f"Rendering stopped by signal {signal.Signals(sig).name}."
    if errors:
        return f"Rendering failed: {errors[-1]}"
    return f"Rendering failed (exit status {returncode})."


def render_sandboxed(
    request: RenderRequest,
    *,
    limits: Limits | None = None,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """Render in a resource-limited child; raise RenderFailed with a reason otherwise."""
    limits = limits or export_limits()
    payload = json.dumps(request, ensure_ascii=False).encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="sopstudio-export-") as workdir:
        out = Path(workdir) / "result"
        child = subprocess.Popen(  # noqa: S603 -- our interpreter, our module, fixed arguments
            [
                sys.executable,
                "-m",
                "apps.exports.render.sandbox",
                "--cpu",
                str(limits.cpu_seconds),
                "--memory-mb",
                str(limits.memory_mb),
                "--out",
                str(out),
            ],
            cwd=workdir,
            env=_child_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert child.stdin is not None and child.stderr is not None
        lines: queue.Queue[str | None] = queue.Queue()
        feeder = threading.Thread(target=_feed, args=(child.stdin, payload), daemon=True)
        reader = threading.Thread(target=_drain, args=(child.stderr, lines), daemon=True)
        feeder.start()
        reader.start()
        errors: list[str] = []  # the child's own `error` lines
        noise: list[str] = []  # anything else it printed (a traceback, a warning)
        deadline = time.monotonic() + limits.wall_seconds
        finished = False
        try:
            while not finished:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    child.kill()
                    child.wait()
                    raise RenderFailed(
                        f"Rendering took longer than {limits.wall_seconds} s and was stopped."
                    )
                try:
                    line = lines.get(timeout=min(remaining, 0.5))
                except queue.Empty:
                    continue
                if line is None:
                    finished = True
                elif line.startswith("progress "):
                    if progress is not None:
                        progress(int(line.split()[1]))
                elif line.startswith("error "):
                    errors.append(line.removeprefix("error "))
                elif line:
                    noise.append(line[:300])
            returncode = child.wait(timeout=max(1.0, deadline - time.monotonic()))
        except BaseException:
            if child.poll() is None:
                child.kill()
                child.wait()
            raise
        finally:
            feeder.join(timeout=1)
            reader.join(timeout=1)
        if returncode != 0 or not out.exists():
            raise RenderFailed(_reason(returncode, errors or noise[-1:], limits))
        return out.read_bytes()
