"""Export jobs on a real Celery worker, and the limits every render runs under."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.diagrams import services as diagram_services
from apps.diagrams.schema import content_parse
from apps.exports.models import ExportJob
from apps.exports.runner import Limits, RenderFailed, render_sandboxed
from tests.conftest import client_for
from tests.exports.documents import fraud_content, synthetic_content
from tests.workers import WorkerProcess, kill

pytestmark = pytest.mark.slow


def _wait(job_id: int, *, until: Any, timeout: float = 90.0) -> ExportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ExportJob.objects.get(pk=job_id)
        if until(job):
            return job
        time.sleep(0.05)
    raise AssertionError(
        f"job {job_id} never got there: {ExportJob.objects.get(pk=job_id).__dict__}"
    )


@pytest.fixture
def worker_media(settings: Any, celery_worker_process: WorkerProcess) -> WorkerProcess:
    settings.MEDIA_ROOT = celery_worker_process.media_root  # where the worker stores files
    return celery_worker_process


def _versioned(workspace: Any, editor: Any, content: dict[str, Any]) -> Any:
    diagram = diagram_services.diagram_create(
        workspace=workspace, user=editor, content=content_parse(content)
    )
    diagram_services.diagram_version_create(diagram=diagram, user=editor, message="v1")
    return diagram


def test_a_worker_runs_the_job_and_reports_progress(
    transactional_db: Any, worker_media: WorkerProcess, workspace: Any, editor: Any
) -> None:
    diagram = _versioned(workspace, editor, fraud_content())
    api: APIClient = client_for(editor)
    response = api.post(
        f"/api/diagrams/{diagram.pk}/exports/",
        {"format": "pdf", "version": 1, "options": {"fit": "tile"}},
        format="json",
    )
    assert response.status_code == 202 and response.json()["status"] == "queued"
    job = _wait(response.json()["id"], until=lambda j: j.status in {"done", "failed"})
    assert job.status == "done", job.error
    assert job.progress == 100 and job.attempts == 1
    assert job.worker and job.worker.split(":")[-1] != str(os.getpid())
    download = api.get(f"/api/exports/{job.pk}/download")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_job_whose_worker_is_killed_mid_render_is_redelivered_and_completes(
    transactional_db: Any, worker_media: WorkerProcess, workspace: Any, editor: Any
) -> None:
    # A 200-step audit pack renders for several seconds: time to kill the worker mid-job.
    diagram = _versioned(workspace, editor, synthetic_content(200))
    api: APIClient = client_for(editor)
    response = api.post(
        f"/api/diagrams/{diagram.pk}/exports/",
        {"format": "audit-pack", "version": 1},
        format="json",
    )
    job_id = response.json()["id"]
    running = _wait(job_id, until=lambda j: j.status == "running" and j.worker)
    victim = int(running.worker.rsplit(":", 1)[1])
    kill(victim)  # as the kernel's OOM killer would: no chance to clean up
    job = _wait(job_id, until=lambda j: j.status in {"done", "failed"}, timeout=180)
    assert job.status == "done", job.error
    assert job.attempts == 2
    assert int(job.worker.rsplit(":", 1)[1]) != victim
    assert worker_media.process is not None and worker_media.process.poll() is None
    assert "WorkerLostError" in worker_media.log() or "exited prematurely" in worker_media.log()


def test_a_render_over_its_cpu_limit_fails_with_a_reason() -> None:
    request = {
        "format": "pdf",
        "content": synthetic_content(1000),
        "options": {"paper": "A4", "orientation": "portrait", "fit": "tile"},
    }
    with pytest.raises(RenderFailed) as failed:
        render_sandboxed(request, limits=Limits(cpu_seconds=1, memory_mb=2048, wall_seconds=60))
    assert "CPU time" in failed.value.reason


def test_a_render_over_its_memory_limit_fails_with_a_reason() -> None:
    content = fraud_content()
    # Two steps a million pixels apart: even capped, the bitmap needs 160 MB, over the limit.
    content["nodes"][-1]["x"] = 1_000_000
    content["nodes"][-1]["y"] = 1_000_000
    request = {"format": "png", "content": content, "options": {"scale": 2}}
    with pytest.raises(RenderFailed) as failed:
        render_sandboxed(request, limits=Limits(cpu_seconds=60, memory_mb=150, wall_seconds=60))
    assert "memory" in failed.value.reason


def test_a_render_past_its_wall_clock_limit_is_stopped() -> None:
    request = {
        "format": "pdf",
        "content": synthetic_content(1000),
        "options": {"paper": "A4", "orientation": "portrait", "fit": "tile"},
    }
    started = time.monotonic()
    with pytest.raises(RenderFailed) as failed:
        render_sandboxed(request, limits=Limits(cpu_seconds=60, memory_mb=2048, wall_seconds=1))
    assert "longer than 1 s" in failed.value.reason
    assert time.monotonic() - started < 20
