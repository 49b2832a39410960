"""The audit trail is hash-chained: any edit to a past event is detected."""

from __future__ import annotations

from typing import Any

import pytest

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record, audit_verify
from apps.diagrams.models import Diagram

pytestmark = pytest.mark.django_db


def test_chain_verifies_and_detects_tampering(fraud_diagram: Diagram, editor: Any) -> None:
    workspace_id = fraud_diagram.workspace_id
    for number in range(3):
        audit_record(
            workspace_id=workspace_id,
            actor=editor,
            action="version.created",
            diagram_id=fraud_diagram.pk,
            data={"number": number},
        )
    check = audit_verify(workspace_id=workspace_id)
    assert check.ok and check.events == 4  # creation + three versions

    second = AuditEvent.objects.filter(workspace_id=workspace_id).order_by("seq")[1]
    AuditEvent.objects.filter(pk=second.pk).update(data={"number": 99})
    broken = audit_verify(workspace_id=workspace_id)
    assert not broken.ok
    assert broken.first_bad_seq == second.seq


def test_sequence_numbers_are_per_workspace_and_gapless(
    fraud_diagram: Diagram, editor: Any
) -> None:
    for _ in range(5):
        audit_record(workspace_id=fraud_diagram.workspace_id, actor=None, action="test")
    seqs = list(
        AuditEvent.objects.filter(workspace_id=fraud_diagram.workspace_id).values_list(
            "seq", flat=True
        )
    )
    assert seqs == list(range(1, len(seqs) + 1))
    assert AuditEvent.objects.filter(action="test").first().actor_name == "system"
