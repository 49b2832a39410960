"""Live-document events on the channel layer; mirrored by the editor's protocol types."""

from __future__ import annotations

import logging
from typing import Literal, TypedDict

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


class DocUpdateEvent(TypedDict):
    type: Literal["doc.update"]
    diagram_id: int
    update: bytes
    # The channel name of the socket the update came from, so it is not echoed back to it.
    sender: str


def diagram_group(diagram_id: int) -> str:
    """The channel-layer group of every socket open on one diagram, in every process."""
    return f"diagram-{diagram_id}"


def doc_update_broadcast(*, diagram_id: int, update: bytes, sender: str = "") -> None:
    """Send an update to every connected client once the transaction that stored it commits."""

    def send() -> None:
        async_to_sync(doc_update_broadcast_committed)(
            diagram_id=diagram_id, update=update, sender=sender
        )

    transaction.on_commit(send)


async def doc_update_broadcast_committed(*, diagram_id: int, update: bytes, sender: str) -> None:
    """Send an update already committed by the caller to every client, from an event loop."""
    layer = get_channel_layer()
    if layer is None:
        return
    event: DocUpdateEvent = {
        "type": "doc.update",
        "diagram_id": diagram_id,
        "update": update,
        "sender": sender,
    }
    try:
        await layer.group_send(diagram_group(diagram_id), event)
    except Exception:  # clients heal by resyncing; the update is already stored
        logger.exception("could not broadcast update", extra={"diagram_id": diagram_id})
