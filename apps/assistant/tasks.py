"""Assistant jobs on the Celery worker; each takes ids, reloads and is safe to run twice."""

from __future__ import annotations

import os
import socket

from celery import shared_task

from apps.assistant import services


@shared_task(
    name="apps.assistant.tasks.version_lint_run",
    acks_late=True,
    reject_on_worker_lost=True,
    # A 2,000-step SOP lints in about a second; these only catch a stuck worker.
    soft_time_limit=120,
    time_limit=180,
)
def version_lint_run(version_id: int) -> str:
    """Lint one saved version and store the report; a version already linted is skipped."""
    report = services.version_lint_execute(
        version_id=version_id, worker=f"{socket.gethostname()}:{os.getpid()}"
    )
    return "gone" if report is None else str(report.status)
