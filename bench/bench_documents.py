"""Live-document figures: apply+persist a small change, create a version over HTTP, and load
a document with 10,000 pending updates before and after compaction.

Run with `make bench` (or directly: .venv/bin/python bench/bench_documents.py).
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.benchsetup import describe, django_setup, synthetic_content

django_setup()

import httpx  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from pycrdt import Doc, Map  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from apps.accounts.services import workspace_create  # noqa: E402
from apps.diagrams import live  # noqa: E402
from apps.diagrams.models import Diagram  # noqa: E402
from apps.diagrams.services import diagram_create  # noqa: E402
from tests.servers import running_servers  # noqa: E402

user = User.objects.create_user("bench", password="bench-password-123")
workspace = workspace_create(name="Bench", owner=user)
diagram = diagram_create(workspace=workspace, user=user, content=synthetic_content(200))

# 1. Apply one small change (a node move) to the loaded 200-node document and persist it, as
#    a collaboration room does: apply to its Doc, append through the async appender.
room = live.document_load(diagram_id=diagram.pk)
client_doc = Doc()
client_doc.apply_update(room.state())
captured: list[bytes] = []
client_doc.observe(lambda event: captured.append(bytes(event.update)))
nodes = client_doc.get("nodes", type=Map)


async def apply_moves() -> list[float]:
    appender = live.UpdateAppender()
    timings: list[float] = []
    try:
        for step in range(500):
            nodes[f"n{step % 200}"]["x"] = 1000 + step
            update = captured[-1]
            started = time.perf_counter()
            room.doc.apply_update(update)
            await live.document_append_accepted(
                appender=appender,
                loaded=room,
                updates=[live.AcceptedUpdate(update=update, user_id=user.pk, sender="")],
                on_commit=lambda: None,
            )
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        await appender.close()
    return timings


apply_ms = asyncio.run(apply_moves())
print(
    f"apply+persist one move on a loaded 200-node doc: {describe(apply_ms)} "
    f"(update {len(captured[-1])} bytes)"
)
live.document_compact(diagram_id=diagram.pk)

# 2. Create a version of the 200-node diagram through the HTTP API (uvicorn, Postgres, Redis).
token = Token.objects.create(user=user).key
version_ms: list[float] = []
with (
    running_servers(1) as (server,),
    httpx.Client(
        base_url=server.url, headers={"Authorization": f"Token {token}"}, timeout=30
    ) as http,
):
    for index in range(60):
        started = time.perf_counter()
        response = http.post(f"/api/diagrams/{diagram.pk}/versions/", json={"message": f"v{index}"})
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 201, response.text
        if index >= 5:  # the first requests warm the process up
            version_ms.append(elapsed)
print(
    f"create a version of a 200-node diagram via API: {describe(version_ms)} (target p99 <= 150 ms)"
)

# 3. Load a document with 10,000 pending updates, before and after compaction.
heavy = diagram_create(workspace=workspace, user=user, content=synthetic_content(200))
live.document_compact(diagram_id=heavy.pk)
room = live.document_load(diagram_id=heavy.pk)
writer = Doc()
writer.apply_update(room.state())
pending: list[bytes] = []
writer.observe(lambda event: pending.append(bytes(event.update)))
writer_nodes = writer.get("nodes", type=Map)
for step in range(10_000):
    writer_nodes[f"n{step % 200}"]["x"] = step
from apps.diagrams.models import DiagramUpdate  # noqa: E402

DiagramUpdate.objects.bulk_create(
    [DiagramUpdate(diagram_id=heavy.pk, data=update, origin="bench") for update in pending],
    batch_size=2000,
)


def load_ms() -> float:
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        live.document_load(diagram_id=heavy.pk)
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


pending_bytes = sum(len(u) for u in pending)
snapshot_bytes = len(bytes(Diagram.objects.get(pk=heavy.pk).snapshot))
before_ms = load_ms()
started = time.perf_counter()
result = live.document_compact(diagram_id=heavy.pk)
compact_ms = (time.perf_counter() - started) * 1000
after_ms = load_ms()
print(
    f"load with 10,000 pending updates: {before_ms:.1f} ms, {snapshot_bytes + pending_bytes:,} bytes "
    f"(snapshot {snapshot_bytes:,} + updates {pending_bytes:,})"
)
print(f"compaction of {result.merged_rows:,} rows: {compact_ms:.1f} ms")
print(
    f"load after compaction: {after_ms:.1f} ms, {result.snapshot_bytes:,} bytes; "
    f"speed-up x{before_ms / after_ms:.1f}"
)
