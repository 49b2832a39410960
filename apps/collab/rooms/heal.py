"""Healing: apply rows a room never heard of, and keep the list columns fresh while editing."""

from __future__ import annotations

import asyncio
import logging
import time

from pycrdt import merge_updates

from apps.collab import protocol
from apps.collab.rooms.core import RoomCore
from apps.collab.storage import room_db, room_missing_rows
from apps.diagrams.live import document_summary_refresh

logger = logging.getLogger(__name__)


class RoomHealer:
    """Re-reads Postgres for what a lost channel-layer message skipped."""

    def __init__(self, core: RoomCore, snapshot_updates: int) -> None:
        self.core = core
        # `Diagram.snapshot_updates` when last seen: a change means a compaction happened.
        self.snapshot_updates = snapshot_updates

    async def run(self) -> None:
        """The maintenance task: heal every `heal_seconds`, refresh the columns when dirty."""
        limits = self.core.limits
        heal_every = max(limits.heal_seconds, 0.05)
        summary_every = max(limits.summary_seconds, 0.05)
        last_heal = last_summary = time.monotonic()
        while True:
            await asyncio.sleep(min(heal_every, summary_every))
            now = time.monotonic()
            try:
                if now - last_heal >= heal_every:
                    last_heal = now
                    await self.heal()
                if self.core.dirty and now - last_summary >= summary_every:
                    last_summary = now
                    self.core.dirty = False
                    await room_db(document_summary_refresh)(diagram_id=self.core.diagram_id)
            except Exception:
                logger.exception(
                    "collab maintenance failed", extra={"diagram_id": self.core.diagram_id}
                )

    async def heal(self) -> None:
        """Apply rows (or a compacted snapshot) this room never received; send what was new."""
        core = self.core
        async with core.lock:
            known = set(core.loaded.update_ids)
        snapshot, snapshot_updates, row_ids, rows = await room_db(room_missing_rows)(
            core.diagram_id, known, self.snapshot_updates
        )
        if snapshot is None and not rows:
            return
        captured: list[bytes] = []
        async with core.lock:
            loaded = core.loaded
            doc = loaded.doc
            subscription = doc.observe(lambda event: captured.append(bytes(event.update)))
            try:
                if snapshot:
                    doc.apply_update(snapshot)
                for row_id, data in rows:
                    doc.apply_update(data)
                    loaded.update_ids.append(row_id)
            finally:
                doc.unobserve(subscription)
            if snapshot is not None:
                # Rows folded into the snapshot are gone: forget their ids, keep the ones
                # stored since we read the list.
                present = set(row_ids)
                loaded.update_ids = [
                    row_id
                    for row_id in loaded.update_ids
                    if row_id in present or row_id not in known
                ]
            self.snapshot_updates = snapshot_updates
        if captured:
            healed = captured[0] if len(captured) == 1 else bytes(merge_updates(*captured))
            logger.info("room healed a gap", extra={"diagram_id": core.diagram_id})
            core.deliver_all(protocol.update_frame(healed))
