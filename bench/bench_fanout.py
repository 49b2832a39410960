"""Fan-out figures of the collaboration socket: 50 stock y-websocket clients on one diagram,
20 node moves per second in total; latency from a move to its arrival at every other client
(p50 / p95 / p99) and deliveries per second. The same client script (bench/node/fanout.mjs)
then runs, in the same run, against the reference `@y/websocket-server` (in memory, no
persistence, no auth), and the ratio is printed. Targets on a 2-core machine: p99 <= 100 ms and
no worse than 1.5x the reference.

Ours: uvicorn, Redis channel layer, every update committed to Postgres before it is sent on.
Run with `make bench` (or .venv/bin/python bench/bench_fanout.py). Needs Postgres, Redis and
`npm ci` in bench/node.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# A database of its own: other benchmarks drop and recreate theirs when they start.
os.environ.setdefault("BENCH_DATABASE", "sopstudio_bench_fanout")

from bench.benchsetup import django_setup

django_setup()

from django.contrib.auth.models import User  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from apps.accounts.services import workspace_create  # noqa: E402
from apps.diagrams.services import diagram_create  # noqa: E402
from tests.servers import free_port, running_servers  # noqa: E402

NODE_DIR = Path(__file__).resolve().parent / "node"
CLIENTS = int(os.environ.get("BENCH_FANOUT_CLIENTS", "50"))
RATE = int(os.environ.get("BENCH_FANOUT_RATE", "20"))
SECONDS = int(os.environ.get("BENCH_FANOUT_SECONDS", "20"))
SERVER_ENV = json.loads(os.environ.get("BENCH_FANOUT_SERVER_ENV", "{}"))


def run_clients(server_url: str, room: str, token: str) -> dict[str, Any]:
    result = subprocess.run(
        ["node", "fanout.mjs", server_url, room, token, str(CLIENTS), str(RATE), str(SECONDS)],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=SECONDS + 90,
    )
    if result.returncode != 0:
        raise RuntimeError(f"fan-out clients failed: {result.stderr[-2000:]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def reference_server() -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = subprocess.Popen(
        ["node", "node_modules/@y/websocket-server/src/server.js"],
        cwd=NODE_DIR,
        env={**os.environ, "HOST": "127.0.0.1", "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    return process, port


def line(name: str, figures: dict[str, Any]) -> str:
    lost = figures["expected"] - figures["deliveries"]
    return (
        f"{name:<34} p50 {figures['p50']:7.2f} ms  p95 {figures['p95']:7.2f} ms  "
        f"p99 {figures['p99']:7.2f} ms  max {figures['max']:7.2f} ms  "
        f"{figures['deliveriesPerSecond']:7.1f} deliveries/s  (missing {lost}, "
        f"reconnects {len(figures['closes'])}, converged {figures['converged']})"
    )


def main() -> None:
    user = User.objects.create_user("fanout-bench", password="bench-password-123")
    workspace = workspace_create(name="Fan-out bench", owner=user)
    diagram = diagram_create(workspace=workspace, user=user)
    token = Token.objects.create(user=user).key
    print(f"fan-out: {CLIENTS} clients on one diagram, {RATE} updates/s in total, {SECONDS} s")

    with running_servers(count=1, **SERVER_ENV) as (server,):
        ours = run_clients(f"{server.ws_url}/ws/diagrams", str(diagram.pk), token)
    print(line("ours (uvicorn + Redis + Postgres)", ours))

    with running_servers(count=2, **SERVER_ENV) as servers:
        urls = ",".join(f"{server.ws_url}/ws/diagrams" for server in servers)
        spread = run_clients(urls, str(diagram.pk), token)
    print(line("ours, 2 processes (clients split)", spread))

    process, port = reference_server()
    try:
        reference = run_clients(f"ws://127.0.0.1:{port}", "fanout-bench", "-")
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(line("reference @y/websocket-server", reference))

    for key in ("p50", "p95", "p99"):
        print(f"ratio ours / reference {key}: {ours[key] / reference[key]:.2f}x")
    print(f"target p99 <= 100 ms: {'met' if ours['p99'] <= 100 else 'NOT met'}")


if __name__ == "__main__":
    main()
