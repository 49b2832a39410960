"""Imports: JSON or Mermaid into a new diagram or over an existing one, written through the
diagrams services like every other change."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from apps.accounts.models import Workspace
from apps.audit.services import audit_record
from apps.common.errors import ValidationFailed
from apps.diagrams import services as diagram_services
from apps.diagrams.models import Diagram
from apps.diagrams.schema import SCHEMA_ID, SopDiagram, content_parse
from apps.exports.interchange import json_read, mermaid_read


def import_content_read(*, import_format: str, content: Any, title: str = "") -> SopDiagram:
    """Read JSON or Mermaid into validated `sop-diagram/1` content, or say why not (400).

    A JSON import may leave out `schema`, `meta` and `edges` (a hand-written file often
    does); they default to an empty document's. A content PUT may not.
    """
    if import_format == "json":
        raw = {"schema": SCHEMA_ID, "meta": {}, "nodes": [], "edges": [], **json_read(content)}
        if title:
            meta = raw.get("meta")
            raw = {**raw, "meta": {**(meta if isinstance(meta, dict) else {}), "title": title}}
    elif import_format == "mermaid":
        raw = mermaid_read(content, title=title)
    else:
        raise ValidationFailed(
            f"Unknown import format {import_format!r}; choose json or mermaid.", field="format"
        )
    return content_parse(raw)


@transaction.atomic
def diagram_import_create(
    *, workspace: Workspace, user: User, import_format: str, content: Any, title: str = ""
) -> Diagram:
    """A new diagram holding the imported content (editors and owners only)."""
    diagram_services.diagram_edit_role(user=user, workspace_id=workspace.pk, missing="Workspace")
    parsed = import_content_read(import_format=import_format, content=content, title=title)
    diagram = diagram_services.diagram_create(workspace=workspace, user=user, content=parsed)
    audit_record(
        workspace_id=workspace.pk,
        actor=user,
        action="diagram.imported",
        diagram_id=diagram.pk,
        data={"format": import_format, "hash": diagram.content_hash, "into": "new diagram"},
    )
    return diagram


@transaction.atomic
def diagram_import_replace(
    *, diagram: Diagram, user: User, import_format: str, content: Any
) -> Diagram:
    """Make an existing diagram's content equal to the import, as one document transaction."""
    diagram_services.diagram_edit_role(user=user, workspace_id=diagram.workspace_id)
    parsed = import_content_read(import_format=import_format, content=content)
    result = diagram_services.diagram_content_replace(
        diagram=diagram, user=user, content=parsed, origin="import"
    )
    audit_record(
        workspace_id=diagram.workspace_id,
        actor=user,
        action="diagram.imported",
        diagram_id=diagram.pk,
        data={
            "format": import_format,
            "hash": result.content_hash,
            "changed": result.changed,
            "into": "existing diagram",
        },
    )
    diagram.refresh_from_db()
    return diagram
