"""Periodic and background jobs on live documents; each takes ids and is safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db.models import Count

from apps.diagrams.live import document_compact
from apps.diagrams.models import Diagram


@shared_task(name="apps.diagrams.tasks.diagram_compact")
def diagram_compact(diagram_id: int) -> int:
    """Compact one diagram; a second run finds nothing to merge."""
    if not Diagram.objects.filter(pk=diagram_id).exists():
        return 0
    return document_compact(diagram_id=diagram_id).merged_rows


@shared_task(name="apps.diagrams.tasks.diagrams_compact_all")
def diagrams_compact_all() -> int:
    """Compact every diagram whose pending updates passed the threshold."""
    due = (
        Diagram.objects.annotate(pending=Count("updates"))
        .filter(pending__gte=settings.SOPSTUDIO_COMPACT_AFTER)
        .values_list("pk", flat=True)
    )
    count = 0
    for diagram_id in due:
        diagram_compact.delay(diagram_id)
        count += 1
    return count
