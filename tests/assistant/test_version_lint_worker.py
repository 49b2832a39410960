"""The version lint job on a real Celery worker: it runs after a version is saved, and a
worker killed in the middle of it loses nothing."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from apps.assistant.models import LintStatus, VersionLintReport
from apps.assistant.tasks import version_lint_run
from apps.diagrams import services as diagram_services
from apps.diagrams.models import Diagram
from sopstudio.celery import app as celery_app
from tests import servers
from tests.conftest import client_for
from tests.workers import WorkerProcess, celery_worker_process, child_pids, kill, routed_to

__all__ = ["celery_worker_process"]  # a fixture this module uses

pytestmark = pytest.mark.slow


def _wait(check: Callable[[], Any], *, timeout: float = 60.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _report(version_id: int) -> VersionLintReport | None:
    report = VersionLintReport.objects.filter(version_id=version_id).first()
    return report if report is not None and report.status == LintStatus.DONE else None


def test_saving_a_version_has_the_worker_store_its_report(
    transactional_db: Any,
    celery_worker_process: WorkerProcess,
    fraud_diagram: Diagram,
    editor: Any,
) -> None:
    response = client_for(editor).post(
        f"/api/diagrams/{fraud_diagram.pk}/versions/", {"message": "v1"}, format="json"
    )
    assert response.status_code == 201, response.json()
    version_id = fraud_diagram.versions.get(number=1).pk
    report = _wait(lambda: _report(version_id), what="the lint report")
    assert report.counts == {"error": 0, "warning": 0, "info": 0}
    assert report.attempts == 1
    assert int(report.worker.rsplit(":", 1)[1]) in child_pids(celery_worker_process.process.pid)  # type: ignore[union-attr]
    detail = client_for(editor).get(f"/api/diagrams/{fraud_diagram.pk}/versions/1/").json()
    assert detail["lint"] == {"status": "done", "counts": report.counts}


def test_a_lint_job_whose_worker_is_killed_mid_job_is_redelivered_and_completes(
    transactional_db: Any,
    celery_worker_process: WorkerProcess,
    fraud_diagram: Diagram,
    editor: Any,
) -> None:
    worker = celery_worker_process
    assert worker.process is not None
    # Save the version with its automatic job parked on a queue nobody reads, so this test
    # decides when the worker starts the job.
    parking = f"parked-{uuid.uuid4().hex[:8]}"
    with routed_to(parking):
        version = diagram_services.diagram_version_create(
            diagram=fraud_diagram, user=editor, message="v1"
        )
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_purge(parking)
    # A second connection watches: activity statistics are a snapshot per transaction.
    with (
        psycopg.connect(servers.test_database_url()) as blocker,
        psycopg.connect(servers.test_database_url(), autocommit=True) as watcher,
    ):
        # Hold the report's row: the job stops in the middle, waiting for it.
        blocker.execute(
            "SELECT id FROM assistant_versionlintreport WHERE version_id = %s FOR UPDATE",
            [version.pk],
        )
        version_lint_run.delay(version.pk)
        _wait(
            lambda: watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query ILIKE %s",
                ["%assistant_versionlintreport%"],
            ).fetchone()[0],  # type: ignore[index]
            what="the job to wait on the row",
        )
        (victim,) = child_pids(worker.process.pid)
        kill(victim)  # as the kernel's OOM killer would: no chance to clean up
        _wait(
            lambda: [pid for pid in child_pids(worker.process.pid) if pid != victim],  # type: ignore[union-attr]
            what="a new worker child",
        )
        blocker.rollback()
    report = _wait(lambda: _report(version.pk), timeout=90, what="the redelivered job")
    assert int(report.worker.rsplit(":", 1)[1]) != victim
    assert VersionLintReport.objects.filter(version=version).count() == 1
    assert report.content_hash == version.content_hash
    assert worker.process.poll() is None
    assert "WorkerLostError" in worker.log() or "exited prematurely" in worker.log()
