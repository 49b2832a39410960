"""Events other apps react to live (the collaboration server re-checks open sockets)."""

from __future__ import annotations

import logging
from typing import Literal, TypedDict

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


class MembershipChangedEvent(TypedDict):
    type: Literal["membership.changed"]
    workspace_id: int
    user_id: int


def membership_group(user_id: int) -> str:
    """The channel-layer group every socket of one user joins."""
    return f"user-{user_id}"


def membership_changed(*, workspace_id: int, user_id: int) -> None:
    """After commit, tell every socket of the user that their access may have changed."""

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        event: MembershipChangedEvent = {
            "type": "membership.changed",
            "workspace_id": workspace_id,
            "user_id": user_id,
        }
        try:
            async_to_sync(layer.group_send)(membership_group(user_id), event)
        except Exception:  # a down channel layer must not undo a committed change
            logger.exception("could not announce membership change")

    transaction.on_commit(send)
