"""The live-document service: load, change, project and compact a diagram's Yjs document.

Postgres is the system of record: a diagram's content is `Diagram.snapshot` plus its pending
`DiagramUpdate` rows. Every content change, from any caller, goes through this module and is
appended as an update row before it is broadcast. Writers that compute a change from the
current state (replace, restore, version) hold the diagram's row lock while they do.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.db import connections, transaction
from django.utils import timezone
from psycopg import sql
from pycrdt import Doc, Map, merge_updates

from apps.common.errors import PreconditionFailed
from apps.diagrams.events import doc_update_broadcast, doc_update_broadcast_committed
from apps.diagrams.models import Diagram, DiagramUpdate
from apps.diagrams.schema import SopDiagram, content_hash
from apps.diagrams.ydoc import META, doc_content, doc_from_updates, doc_make_equal, doc_to_json

logger = logging.getLogger(__name__)


@dataclass
class LoadedDocument:
    """A diagram's Doc as Postgres holds it, with the ids of the update rows it contains."""

    diagram_id: int
    doc: Doc
    update_ids: list[int] = field(default_factory=list)

    def content(self) -> SopDiagram:
        """The document as the schema reads it (what reads, versions and exports use)."""
        return doc_content(self.doc)

    def to_json(self) -> dict[str, Any]:
        """The raw, unchecked projection: for checking what an update makes of the document."""
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
    # No-key update serialises the diagram's writers without blocking inserts that merely
    # reference the row (export jobs, versions), whose key-share locks FOR UPDATE would wait on.
    return Diagram.objects.select_for_update(no_key=True).get(pk=diagram_id)


def _refresh_summary(diagram: Diagram, content: SopDiagram, hash_hex: str) -> None:
    """Keep the denormalised columns (title, mode, counts, hash) in step with the content."""
    diagram.title = (content.meta.title or "Untitled SOP")[:200]
    diagram.mode = content.meta.mode[:16]
    diagram.node_count = len(content.nodes)
    diagram.content_hash = hash_hex
    diagram.save(update_fields=["title", "mode", "node_count", "content_hash", "updated_at"])


def _append(*, diagram_id: int, update: bytes, user: User | None, origin: str) -> DiagramUpdate:
    """The synchronous append path: one row in the caller's transaction (REST, restore...)."""
    return DiagramUpdate.objects.create(
        diagram_id=diagram_id,
        data=update,
        user=user if user is not None and user.is_authenticated else None,
        origin=origin[:32],
    )


@dataclass(frozen=True)
class AcceptedUpdate:
    """An update a collaboration room has applied to its Doc and now appends."""

    update: bytes
    user_id: int | None
    # The channel name of the socket it came from, so it is not echoed back to it.
    sender: str


class UpdateAppender:
    """Appends update rows from an event loop over one async Postgres connection.

    The collaboration rooms of a process store every accepted update before anyone sees it,
    so this is on the path of every keystroke. Going through the ORM would mean a hop to the
    one thread all synchronous database work of the process queues on, plus ORM and
    transaction overhead: milliseconds per store, against a fraction of one for a single
    INSERT sent from the loop. The connection is in
    autocommit mode: an append is a single INSERT, durably committed when it returns, and its
    rows are ordinary rows (compaction's row lock and id list see them like any other).
    Other databases (the SQLite of `make run`) go through the ORM on the database thread.
    """

    def __init__(self) -> None:
        self._connection: psycopg.AsyncConnection[tuple[Any, ...]] | None = None
        # One statement at a time on the one connection, and one connect at a time.
        self._lock = asyncio.Lock()

    async def append(
        self, *, diagram_id: int, updates: Sequence[AcceptedUpdate], origin: str
    ) -> list[int]:
        """Insert the rows in one statement (so all or none are stored); returns their ids."""
        if connections["default"].vendor != "postgresql":
            return await sync_to_async(_append_many, thread_sensitive=True)(
                diagram_id=diagram_id, updates=updates, origin=origin
            )
        table = DiagramUpdate._meta.db_table
        query = sql.SQL(
            "INSERT INTO {} (diagram_id, data, user_id, origin, created_at) VALUES {} RETURNING id"
        ).format(
            sql.Identifier(table),
            sql.SQL(", ").join(sql.SQL("(%s, %s, %s, %s, %s)") for _ in updates),
        )
        now = timezone.now()
        params: list[Any] = []
        for item in updates:
            params += [diagram_id, item.update, item.user_id, origin[:32], now]
        async with self._lock:
            connection = await self._connect()
            try:
                cursor = await connection.execute(query, params)
                return [int(row[0]) for row in await cursor.fetchall()]
            except BaseException:
                # Broken, or cancelled with the statement half sent: never reuse it.
                await self._discard()
                raise

    async def close(self) -> None:
        async with self._lock:
            await self._discard()

    async def _connect(self) -> psycopg.AsyncConnection[tuple[Any, ...]]:
        if self._connection is not None and not self._connection.closed:
            return self._connection
        database = connections["default"]
        # Django's own parameters for settings.DATABASES["default"] (name, host, OPTIONS...),
        # minus the ones that only fit its synchronous connections.
        params = database.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        connection = await psycopg.AsyncConnection.connect(**params, autocommit=True)
        role = database.settings_dict["OPTIONS"].get("assume_role")
        if role:
            await connection.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
        self._connection = connection
        return connection

    async def _discard(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close()
            except Exception:  # already broken; nothing left to release
                logger.debug("closing the update connection failed", exc_info=True)


def _append_many(*, diagram_id: int, updates: Sequence[AcceptedUpdate], origin: str) -> list[int]:
    with transaction.atomic():
        return [
            DiagramUpdate.objects.create(
                diagram_id=diagram_id, data=item.update, user_id=item.user_id, origin=origin[:32]
            ).pk
            for item in updates
        ]


async def document_append_accepted(
    *,
    appender: UpdateAppender,
    loaded: LoadedDocument,
    updates: Sequence[AcceptedUpdate],
    on_commit: Callable[[], None],
    origin: str = "websocket",
) -> None:
    """Append updates a room already applied to `loaded`, commit, then broadcast them.

    `on_commit` runs right after the commit and before the channel-layer publish, so the
    caller's own sockets are not kept waiting for Redis. Raises if nothing was stored.
    """
    ids = await appender.append(diagram_id=loaded.diagram_id, updates=updates, origin=origin)
    loaded.update_ids.extend(ids)
    on_commit()
    for item in updates:
        await doc_update_broadcast_committed(
            diagram_id=loaded.diagram_id, update=item.update, sender=item.sender
        )


@dataclass(frozen=True)
class ReplaceResult:
    content: SopDiagram
    content_hash: str
    update: bytes | None
    changed: bool


def _transact(
    *,
    locked: Diagram,
    loaded: LoadedDocument,
    change: Callable[[], None],
    user: User | None,
    origin: str,
) -> bytes | None:
    """Run `change` on the loaded Doc, append what it did as one update, broadcast on commit."""
    captured: list[bytes] = []
    subscription = loaded.doc.observe(lambda event: captured.append(bytes(event.update)))
    try:
        change()
    finally:
        loaded.doc.unobserve(subscription)
    if not captured:
        return None
    update = merge_updates(*captured) if len(captured) > 1 else captured[0]
    row = _append(diagram_id=locked.pk, update=update, user=user, origin=origin)
    loaded.update_ids.append(row.pk)
    doc_update_broadcast(diagram_id=locked.pk, update=update)
    return update


@transaction.atomic
def document_replace(
    *,
    diagram: Diagram,
    content: SopDiagram,
    user: User | None,
    origin: str = "api",
    expected_hash: str | None = None,
) -> ReplaceResult:
    """Make the live document equal to validated `content` as one minimal forward transaction.

    With `expected_hash`, refuse (412) when the content changed since the caller read it.
    """
    locked = _lock(diagram.pk)
    loaded = document_load(diagram_id=diagram.pk)
    if expected_hash is not None and content_hash(loaded.content()) != expected_hash:
        raise PreconditionFailed(
            "The diagram changed since you read it; reload and apply your change again."
        )
    # Once made equal, the document projects to exactly `content`: no need to read it back.
    hash_hex = content_hash(content)
    update = _transact(
        locked=locked,
        loaded=loaded,
        change=lambda: doc_make_equal(loaded.doc, content),
        user=user,
        origin=origin,
    )
    if update is None:
        return ReplaceResult(content=content, content_hash=hash_hex, update=None, changed=False)
    _refresh_summary(locked, content, hash_hex)
    return ReplaceResult(content=content, content_hash=hash_hex, update=update, changed=True)


@transaction.atomic
def document_title_set(
    *, diagram: Diagram, title: str, user: User | None, origin: str = "api"
) -> bool:
    """Set `meta.title` alone, under the row lock; True when it changed.

    Never a make-equal of the whole document: anything else written meanwhile (a websocket
    drag appended without the row lock) is left as it is.
    """
    locked = _lock(diagram.pk)
    loaded = document_load(diagram_id=diagram.pk)
    meta = loaded.doc.get(META, type=Map)

    def change() -> None:
        if meta.get("title") != title:
            meta["title"] = title

    update = _transact(locked=locked, loaded=loaded, change=change, user=user, origin=origin)
    if update is not None:
        content = loaded.content()
        _refresh_summary(locked, content, content_hash(content))
    return update is not None


def document_summary_refresh(*, diagram_id: int) -> None:
    """Recompute the denormalised columns from Postgres (after websocket edits)."""
    with transaction.atomic():
        locked = _lock(diagram_id)
        content = document_load(diagram_id=diagram_id).content()
        _refresh_summary(locked, content, content_hash(content))


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
    content = loaded.content()
    _refresh_summary(locked, content, content_hash(content))
    logger.info(
        "compacted diagram",
        extra={"diagram_id": diagram_id},
    )
    return CompactionResult(merged_rows=len(loaded.update_ids), snapshot_bytes=len(snapshot))


def document_pending_count(*, diagram_id: int) -> int:
    return DiagramUpdate.objects.filter(diagram_id=diagram_id).count()
