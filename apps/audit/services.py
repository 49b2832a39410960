"""Record and verify audit events; the chain is per workspace, serialised by a row lock."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Workspace
from apps.audit.models import AuditEvent

GENESIS_HASH = "0" * 64


def _event_hash(*, prev_hash: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def _payload(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "workspace": event.workspace_id,
        "actor": event.actor_name,
        "action": event.action,
        "diagram": event.diagram_id,
        "data": event.data,
        "time": event.created_at.isoformat(),
    }


@transaction.atomic
def audit_record(
    *,
    workspace_id: int,
    actor: User | None,
    action: str,
    diagram_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the workspace's chain."""
    # No-key update: inserting a row that references the workspace takes a key-share lock on
    # it, which FOR UPDATE would conflict with and deadlock two such writers here.
    Workspace.objects.select_for_update(no_key=True).only("id").get(pk=workspace_id)
    last = AuditEvent.objects.filter(workspace_id=workspace_id).order_by("-seq").first()
    event = AuditEvent(
        workspace_id=workspace_id,
        seq=(last.seq + 1) if last else 1,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor.get_username()
        if actor is not None and actor.is_authenticated
        else "system",
        action=action,
        diagram_id=diagram_id,
        data=data or {},
        created_at=timezone.now(),
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    event.hash = _event_hash(prev_hash=event.prev_hash, payload=_payload(event))
    event.save()
    return event


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    events: int
    first_bad_seq: int | None = None


def audit_verify(*, workspace_id: int) -> ChainCheck:
    """Recompute every hash of the workspace's chain; report the first event that breaks it."""
    prev = GENESIS_HASH
    count = 0
    for event in AuditEvent.objects.filter(workspace_id=workspace_id).order_by("seq").iterator():
        count += 1
        if event.prev_hash != prev or event.hash != _event_hash(
            prev_hash=prev, payload=_payload(event)
        ):
            return ChainCheck(ok=False, events=count, first_bad_seq=event.seq)
        prev = event.hash
    return ChainCheck(ok=True, events=count)
