"""Write-side operations on diagrams and versions; each checks the actor's role first."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from apps.accounts.models import ROLE_CAN_EDIT, Role, Workspace
from apps.accounts.selectors import membership_role
from apps.audit.services import audit_record
from apps.common.errors import NotFound, PermissionDenied
from apps.diagrams import live
from apps.diagrams.models import Diagram, DiagramVersion
from apps.diagrams.schema import content_hash, content_parse, empty_content
from apps.diagrams.selectors import version_get
from apps.diagrams.templates import template_get


def diagram_require_edit(*, role: Role) -> None:
    if role not in ROLE_CAN_EDIT:
        raise PermissionDenied("Your role in this workspace can read but not change diagrams.")


def _require_workspace_edit(*, user: User, workspace: Workspace) -> None:
    role = membership_role(user=user, workspace_id=workspace.pk)
    if role is None:
        raise NotFound("Workspace not found.")
    diagram_require_edit(role=role)


@transaction.atomic
def diagram_create(
    *,
    workspace: Workspace,
    user: User,
    title: str = "",
    template_id: str = "",
    content: dict[str, Any] | None = None,
) -> Diagram:
    """Create a diagram from a template, from given content, or empty; its first content is
    written through the live-document service like any other change."""
    _require_workspace_edit(user=user, workspace=workspace)
    if content is not None:
        initial = content_parse(content)
    elif template_id:
        initial = dict(template_get(template_id=template_id)["content"])
    else:
        initial = empty_content()
    if title:
        initial = {**initial, "meta": {**initial["meta"], "title": title}}
        initial = content_parse(initial)
    diagram = Diagram.objects.create(
        workspace=workspace,
        created_by=user,
        title=initial["meta"]["title"],
        template=template_id,
    )
    live.document_replace(diagram=diagram, content=initial, user=user, origin="create")
    audit_record(
        workspace_id=workspace.pk,
        actor=user,
        action="diagram.created",
        diagram_id=diagram.pk,
        data={"template": template_id, "title": initial["meta"]["title"]},
    )
    diagram.refresh_from_db()
    return diagram


@transaction.atomic
def diagram_content_replace(
    *,
    diagram: Diagram,
    user: User,
    role: Role,
    content: Any,
    expected_hash: str | None = None,
    origin: str = "api",
) -> live.ReplaceResult:
    """Validate and apply new content (PUT, import, AI edit) as one transaction on the doc."""
    diagram_require_edit(role=role)
    parsed = content_parse(content)
    return live.document_replace(
        diagram=diagram, content=parsed, user=user, origin=origin, expected_hash=expected_hash
    )


@transaction.atomic
def diagram_rename(*, diagram: Diagram, user: User, role: Role, title: str) -> Diagram:
    """Rename = a change of meta.title in the live document."""
    diagram_require_edit(role=role)
    current = live.document_load(diagram_id=diagram.pk).to_json()
    current["meta"] = {**current["meta"], "title": title}
    live.document_replace(diagram=diagram, content=content_parse(current), user=user)
    diagram.refresh_from_db()
    return diagram


@transaction.atomic
def diagram_duplicate(*, diagram: Diagram, user: User, role: Role) -> Diagram:
    """A new diagram in the same workspace with a copy of the live content."""
    diagram_require_edit(role=role)
    current = live.document_load(diagram_id=diagram.pk).to_json()
    title = f"Copy of {current['meta'].get('title') or diagram.title}"[:200]
    return diagram_create(workspace=diagram.workspace, user=user, title=title, content=current)


@transaction.atomic
def diagram_delete(*, diagram: Diagram, user: User, role: Role) -> None:
    """Delete a diagram with its history; approved diagrams are kept (owners may still)."""
    diagram_require_edit(role=role)
    if diagram.status == "approved" and role != Role.OWNER:
        raise PermissionDenied("Only an owner can delete an approved diagram.")
    audit_record(
        workspace_id=diagram.workspace_id,
        actor=user,
        action="diagram.deleted",
        diagram_id=diagram.pk,
        data={"title": diagram.title},
    )
    diagram.delete()


@transaction.atomic
def diagram_version_create(
    *, diagram: Diagram, user: User, role: Role, message: str
) -> DiagramVersion:
    """Freeze the live content as the next version; numbers are gapless under the row lock."""
    diagram_require_edit(role=role)
    locked = Diagram.objects.select_for_update().get(pk=diagram.pk)
    loaded = live.document_load(diagram_id=locked.pk)
    content = loaded.to_json()
    locked.version_seq += 1
    locked.save(update_fields=["version_seq"])
    version = DiagramVersion.objects.create(
        diagram=locked,
        number=locked.version_seq,
        message=message.strip()[:500],
        author=user,
        content=content,
        content_hash=content_hash(content),
        ystate=loaded.state(),
    )
    audit_record(
        workspace_id=locked.workspace_id,
        actor=user,
        action="version.created",
        diagram_id=locked.pk,
        data={"number": version.number, "hash": version.content_hash, "message": version.message},
    )
    return version


@transaction.atomic
def diagram_version_restore(
    *, diagram: Diagram, user: User, role: Role, number: int
) -> live.ReplaceResult:
    """Make the live document equal to a version by a forward transaction, and record it."""
    diagram_require_edit(role=role)
    version = version_get(diagram=diagram, number=number)
    result = live.document_replace(
        diagram=diagram, content=content_parse(version.content), user=user, origin="restore"
    )
    audit_record(
        workspace_id=diagram.workspace_id,
        actor=user,
        action="version.restored",
        diagram_id=diagram.pk,
        data={"number": number, "hash": version.content_hash, "changed": result.changed},
    )
    return result
