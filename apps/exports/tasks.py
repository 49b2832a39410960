"""Export jobs on the Celery worker; each takes a job id, reloads it and is safe to run twice."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from apps.exports import services
from apps.exports.models import ExportJob, ExportStatus
from apps.exports.runner import export_limits

_LIMITS = export_limits()


@shared_task(
    bind=True,
    name="apps.exports.tasks.export_job_run",
    acks_late=True,
    reject_on_worker_lost=True,
    # The render child has its own wall-clock limit; these only catch a stuck worker.
    soft_time_limit=_LIMITS.wall_seconds + 60,
    time_limit=_LIMITS.wall_seconds + 120,
)
def export_job_run(self: object, job_id: int) -> str:
    """Render one export job; a redelivery of a finished job does nothing."""
    task_id = str(getattr(getattr(self, "request", None), "id", "") or "")
    try:
        return services.export_job_execute(job_id=job_id, task_id=task_id)
    except SoftTimeLimitExceeded:
        ExportJob.objects.filter(pk=job_id, task_id=task_id, status=ExportStatus.RUNNING).update(
            status=ExportStatus.FAILED, error="The export took too long and was stopped."
        )
        return "failed"
