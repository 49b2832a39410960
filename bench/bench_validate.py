"""Validate figures: lint p50/p99 at 200 and 2,000 nodes, as a service call and over HTTP.

Run with `make bench` (or directly: .venv/bin/python bench/bench_validate.py).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.benchsetup import describe, django_setup, synthetic_content

django_setup()

import httpx  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from apps.accounts.services import workspace_create  # noqa: E402
from apps.assistant.lint import lint_document  # noqa: E402
from apps.assistant.services import diagram_validate  # noqa: E402
from apps.diagrams.services import diagram_create  # noqa: E402
from tests.servers import running_servers  # noqa: E402

user = User.objects.create_user("bench-validate", password="bench-password-123")
workspace = workspace_create(name="Bench validate", owner=user)
token = Token.objects.create(user=user).key
sizes = (200, 2000)
documents = {size: synthetic_content(size) for size in sizes}
diagrams = {
    size: diagram_create(workspace=workspace, user=user, content=documents[size]) for size in sizes
}


def timed(action: object, runs: int, warmup: int = 3) -> list[float]:
    samples: list[float] = []
    for index in range(runs + warmup):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        if index >= warmup:
            samples.append((time.perf_counter() - started) * 1000)
    return samples


for size in sizes:
    runs = 200 if size == 200 else 30
    findings = len(lint_document(documents[size]).findings)
    print(
        f"lint rules only, {size} nodes ({findings} findings): "
        f"{describe(timed(lambda: lint_document(documents[size]), runs))}"
        + (" (target p99 <= 50 ms)" if size == 200 else "")
    )
    print(
        f"validate service (load live document + lint), {size} nodes: "
        f"{describe(timed(lambda: diagram_validate(user=user, diagram_id=diagrams[size].pk), runs))}"
    )

with (
    running_servers(1) as (server,),
    httpx.Client(
        base_url=server.url, headers={"Authorization": f"Token {token}"}, timeout=60
    ) as http,
):
    for size in sizes:
        runs = 100 if size == 200 else 20
        url = f"/api/diagrams/{diagrams[size].pk}/validate"

        def post() -> None:
            response = http.post(url)
            assert response.status_code == 200, response.text

        print(f"POST /validate over HTTP, {size} nodes: {describe(timed(post, runs, warmup=5))}")
