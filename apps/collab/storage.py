"""The database work of a room, run on the shared database thread with a kept connection."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection as db_connection

from apps.diagrams.live import (
    LoadedDocument,
    document_load,
    document_pending_count,
    document_summary_refresh,
)
from apps.diagrams.models import Diagram, DiagramUpdate

logger = logging.getLogger(__name__)
_T = TypeVar("_T")


def _keeping_connection(function: Callable[..., _T]) -> Callable[..., _T]:
    def run(*args: Any, **kwargs: Any) -> _T:
        try:
            return function(*args, **kwargs)
        except BaseException:
            # A broken or aborted connection is not reused: the next call opens a fresh one.
            db_connection.close()
            raise

    return run


def room_db(function: Callable[..., _T]) -> Callable[..., Awaitable[_T]]:
    """Run room database work on the shared database thread, keeping its connection open.

    `database_sync_to_async` closes the connection after every call (CONN_MAX_AGE=0), so each
    stored update would pay for a new Postgres connection; rooms write many times a second.
    The thread is the process-wide one every consumer's database call runs on, so this is one
    connection per process, not one per room.
    """
    return sync_to_async(_keeping_connection(function), thread_sensitive=True)


def room_load(diagram_id: int) -> tuple[Diagram, int, LoadedDocument]:
    diagram = Diagram.objects.get(pk=diagram_id)
    return diagram, diagram.snapshot_updates, document_load(diagram_id=diagram_id)


def room_missing_rows(
    diagram_id: int, known: set[int], snapshot_updates: int
) -> tuple[bytes | None, int, list[int], list[tuple[int, bytes]]]:
    """The snapshot if it was compacted since we looked, every row id, and the rows we lack.

    The snapshot is read before the rows: a compaction in between deletes rows we then do not
    see, but it also moves `snapshot_updates`, so the next round fetches the new snapshot.
    """
    seen = Diagram.objects.filter(pk=diagram_id).values_list("snapshot_updates", flat=True).first()
    if seen is None:
        return None, snapshot_updates, [], []
    compacted: bytes | None = None
    if seen != snapshot_updates:
        snapshot = Diagram.objects.filter(pk=diagram_id).values_list("snapshot", flat=True).first()
        compacted = bytes(snapshot or b"")
    ids = list(DiagramUpdate.objects.filter(diagram_id=diagram_id).values_list("id", flat=True))
    missing = [row_id for row_id in ids if row_id not in known]
    rows = [
        (row_id, bytes(data))
        for row_id, data in DiagramUpdate.objects.filter(pk__in=missing)
        .order_by("id")
        .values_list("id", "data")
    ]
    return compacted, seen, ids, rows


def room_after_unload(diagram_id: int, dirty: bool) -> None:
    """Refresh the list columns, and compact when enough updates piled up."""
    from apps.diagrams.tasks import diagram_compact

    try:
        if not Diagram.objects.filter(pk=diagram_id).exists():
            return
        if dirty:
            document_summary_refresh(diagram_id=diagram_id)
        if document_pending_count(diagram_id=diagram_id) >= settings.SOPSTUDIO_COMPACT_AFTER:
            diagram_compact.delay(diagram_id)
    except Exception:  # the next room or the periodic compaction catches up
        logger.exception("housekeeping after unload failed", extra={"diagram_id": diagram_id})
