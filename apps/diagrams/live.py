"""The live-document service: load, change, project and compact a diagram's Yjs document.

Postgres is the system of record: a diagram's content is `Diagram.snapshot` plus its pending
`DiagramUpdate` rows. Every content change, from any caller, goes through this module and is
appended as an update row before it is broadcast. Writers that compute a change from the
current state (replace, restore, version) hold the diagram's row lock while they do.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from pycrdt import Doc, merge_updates

from apps.common.errors import PreconditionFailed, ValidationFailed
from apps.diagrams.events import doc_update_broadcast
from apps.diagrams.models import Diagram, DiagramUpdate
from apps.diagrams.schema import content_hash
from apps.diagrams.ydoc import doc_from_updates, doc_make_equal, doc_to_json

logger = logging.getLogger(__name__)


@dataclass
class LoadedDocument:
    """A diagram's Doc as Postgres holds it, with the ids of the update rows it contains."""

    diagram_id: int
    doc: Doc
    update_ids: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return doc_to_json(self.doc)

    def state(self) -> bytes:
        return bytes(self.doc.get_update())


def document_load(*, diagram_id: int) -> LoadedDocument:
    """Build the Doc from the snapshot and every pending update, in append order."""
    snapshot = Diagram.objects.filter(pk=diagram_id).values_list("snapshot", flat=True).first()
    rows = list(
        DiagramUpdate.objects.filter(diagram_id=diagram_id).order_by("id").values_list("id", "data")
    )
    doc = doc_from_updates(bytes(snapshot or b""), [bytes(data) for _, data in rows])
    return LoadedDocument(diagram_id=diagram_id, doc=doc, update_ids=[row_id for row_id, _ in rows])


def _lock(diagram_id: int) -> Diagram:
    return Diagram.objects.select_for_update().get(pk=diagram_id)


def _refresh_summary(diagram: Diagram, content: dict[str, Any]) -> None:
    """Keep the denormalised columns (title, mode, counts, hash) in step with the content."""
    meta = content.get("meta") or {}
    diagram.title = str(meta.get("title") or "Untitled SOP")[:200]
    diagram.mode = str(meta.get("mode") or "realtime")[:16]
    diagram.node_count = len(content.get("nodes") or [])
    diagram.content_hash = content_hash(content)
    diagram.save(update_fields=["title", "mode", "node_count", "content_hash", "updated_at"])


def _append(*, diagram_id: int, update: bytes, user: User | None, origin: str) -> DiagramUpdate:
    return DiagramUpdate.objects.create(
        diagram_id=diagram_id,
        data=update,
        user=user if user is not None and user.is_authenticated else None,
        origin=origin[:32],
    )


@transaction.atomic
def document_apply_update(
    *,
    diagram: Diagram,
    update: bytes,
    user: User | None,
    origin: str = "websocket",
    sender: str = "",
    loaded: LoadedDocument | None = None,
) -> DiagramUpdate:
    """Apply a client's Yjs update: check it decodes, append it, broadcast it after commit.

    `loaded` is the caller's in-memory Doc (a collaboration room); it is updated in place.
    """
    target = loaded.doc if loaded is not None else Doc()
    try:
        target.apply_update(update)
    except Exception as exc:
        raise ValidationFailed("The update is not a valid Yjs update.", field="update") from exc
    row = _append(diagram_id=diagram.pk, update=update, user=user, origin=origin)
    if loaded is not None:
        loaded.update_ids.append(row.pk)
    doc_update_broadcast(diagram_id=diagram.pk, update=update, sender=sender)
    return row


@dataclass(frozen=True)
class ReplaceResult:
    content: dict[str, Any]
    update: bytes | None
    changed: bool


@transaction.atomic
def document_replace(
    *,
    diagram: Diagram,
    content: dict[str, Any],
    user: User | None,
    origin: str = "api",
    expected_hash: str | None = None,
) -> ReplaceResult:
    """Make the live document equal to validated `content` as one minimal forward transaction.

    With `expected_hash`, refuse (412) when the content changed since the caller read it.
    """
    locked = _lock(diagram.pk)
    loaded = document_load(diagram_id=diagram.pk)
    if expected_hash is not None:
        current_hash = content_hash(loaded.to_json())
        if current_hash != expected_hash:
            raise PreconditionFailed(
                "The diagram changed since you read it; reload and apply your change again."
            )
    captured: list[bytes] = []
    subscription = loaded.doc.observe(lambda event: captured.append(bytes(event.update)))
    try:
        doc_make_equal(loaded.doc, content)
    finally:
        loaded.doc.unobserve(subscription)
    result_content = loaded.to_json()
    if not captured:
        return ReplaceResult(content=result_content, update=None, changed=False)
    update = merge_updates(*captured) if len(captured) > 1 else captured[0]
    _append(diagram_id=locked.pk, update=update, user=user, origin=origin)
    _refresh_summary(locked, result_content)
    doc_update_broadcast(diagram_id=locked.pk, update=update)
    return ReplaceResult(content=result_content, update=update, changed=True)


def document_summary_refresh(*, diagram_id: int) -> None:
    """Recompute the denormalised columns from Postgres (after websocket edits)."""
    with transaction.atomic():
        locked = _lock(diagram_id)
        _refresh_summary(locked, document_load(diagram_id=diagram_id).to_json())


@dataclass(frozen=True)
class CompactionResult:
    merged_rows: int
    snapshot_bytes: int


@transaction.atomic
def document_compact(*, diagram_id: int) -> CompactionResult:
    """Fold pending updates into the snapshot under the row lock; delete exactly those rows.

    Rows appended concurrently are not in the list read here and survive for the next run.
    """
    locked = _lock(diagram_id)
    loaded = document_load(diagram_id=diagram_id)
    if not loaded.update_ids:
        return CompactionResult(merged_rows=0, snapshot_bytes=len(bytes(locked.snapshot or b"")))
    snapshot = loaded.state()
    locked.snapshot = snapshot
    locked.snapshot_updates += len(loaded.update_ids)
    locked.save(update_fields=["snapshot", "snapshot_updates"])
    deleted, _ = DiagramUpdate.objects.filter(pk__in=loaded.update_ids).delete()
    if deleted != len(loaded.update_ids):
        # Someone else deleted rows we merged: only a second compactor could, and it cannot
        # hold the row lock at the same time. Refuse rather than guess.
        raise RuntimeError("compaction found its update rows already gone")
    _refresh_summary(locked, loaded.to_json())
    logger.info(
        "compacted diagram",
        extra={"diagram_id": diagram_id},
    )
    return CompactionResult(merged_rows=len(loaded.update_ids), snapshot_bytes=len(snapshot))


def document_pending_count(*, diagram_id: int) -> int:
    return DiagramUpdate.objects.filter(diagram_id=diagram_id).count()
