"""Read-side queries for export jobs, scoped to the workspaces the user belongs to."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from apps.accounts.selectors import membership_role
from apps.common.errors import NotFound
from apps.diagrams.models import Diagram
from apps.exports.models import ExportJob


def export_job_list(*, diagram: Diagram) -> QuerySet[ExportJob]:
    """The diagram's export jobs, newest first, without the frozen live content."""
    return (
        ExportJob.objects.filter(diagram=diagram)
        .defer("live_content")
        .order_by("-created_at", "-id")
    )


def export_job_get_for_user(*, user: User | AnonymousUser, job_id: int) -> ExportJob:
    """The job, when the user is a member of its diagram's workspace; any other is a 404."""
    job = (
        ExportJob.objects.filter(pk=job_id)
        .select_related("diagram", "diagram__workspace")
        .defer("live_content")
        .first()
    )
    if job is None:
        raise NotFound("Export not found.")
    role = membership_role(user=user, workspace_id=job.diagram.workspace_id)
    if role is None:
        raise NotFound("Export not found.")
    return job
