"""Concurrent writers in one workspace never deadlock on the audit chain or the diagram row.

Inserting a row that references a workspace or a diagram takes a key-share lock on it; the
audit chain and the diagram writers lock the same rows for no-key update, which does not
conflict with key-share, so an insert followed by an audit record cannot deadlock another.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from apps.audit.models import AuditEvent
from apps.audit.services import audit_verify
from apps.diagrams.models import Diagram
from apps.diagrams.services import diagram_create, diagram_version_create
from apps.exports.models import ExportJob
from apps.exports.services import export_job_request

ROUNDS = 10


@pytest.mark.django_db(transaction=True)
def test_creates_versions_and_exports_at_once_neither_deadlock_nor_break_the_chain(
    workspace: Any, editor: Any
) -> None:
    diagram = diagram_create(workspace=workspace, user=editor, template_id="blank")
    start = threading.Barrier(6)
    errors: list[str] = []

    def run(work: Any) -> None:
        try:
            start.wait(timeout=30)
            for index in range(ROUNDS):
                work(index)
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    def create(index: int) -> None:
        diagram_create(workspace=workspace, user=editor, title=f"Concurrent {index}")

    def version(index: int) -> None:
        diagram_version_create(diagram=diagram, user=editor, message=f"v{index}")

    def export(index: int) -> None:
        export_job_request(
            diagram=diagram,
            user=editor,
            export_format="svg",
            version=None,
            options={"scale": 1 + index % 2},
        )

    threads = [threading.Thread(target=run, args=(work,)) for work in (create, create, create)]
    threads += [threading.Thread(target=run, args=(version,))]
    threads += [threading.Thread(target=run, args=(export,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert Diagram.objects.filter(workspace=workspace).count() == 1 + 3 * ROUNDS
    assert ExportJob.objects.filter(diagram=diagram).count() >= 1
    check = audit_verify(workspace_id=workspace.pk)
    assert check.ok
    assert check.events == AuditEvent.objects.filter(workspace=workspace).count()
