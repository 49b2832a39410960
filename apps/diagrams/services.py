"""Write-side operations on diagrams and versions; each looks up the actor's role first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from apps.accounts.models import ROLE_CAN_EDIT, Role, Workspace
from apps.accounts.selectors import membership_role
from apps.audit.services import audit_record
from apps.common.errors import NotFound, PermissionDenied
from apps.diagrams import live
from apps.diagrams.models import Diagram, DiagramVersion
from apps.diagrams.schema import (
    SopDiagram,
    content_hash,
    content_parse,
    content_read,
    empty_content,
    text_clean,
    title_parse,
)
from apps.diagrams.selectors import version_get
from apps.diagrams.templates import template_get

# What other apps keep per saved version (the assistant's lint report) subscribes here from its
# AppConfig.ready(), so this app never imports theirs; each runs in the saving transaction.
VERSION_CREATED_HOOKS: list[Callable[[DiagramVersion], None]] = []


def diagram_edit_role(*, user: User, workspace_id: int, missing: str = "Diagram") -> Role:
    """The user's role when it may change diagrams of the workspace; 404 outside it, else 403."""
    role = membership_role(user=user, workspace_id=workspace_id)
    if role is None:
        raise NotFound(f"{missing} not found.")
    if role not in ROLE_CAN_EDIT:
        raise PermissionDenied("Your role in this workspace can read but not change diagrams.")
    return role


def _with_title(content: SopDiagram, title: str) -> SopDiagram:
    meta = content.meta.model_copy(update={"title": title_parse(title)})
    return content.model_copy(update={"meta": meta})


@transaction.atomic
def diagram_create(
    *,
    workspace: Workspace,
    user: User,
    title: str = "",
    template_id: str = "",
    content: SopDiagram | None = None,
) -> Diagram:
    """Create a diagram from a template, from given content, or empty; its first content is
    written through the live-document service like any other change."""
    diagram_edit_role(user=user, workspace_id=workspace.pk, missing="Workspace")
    if content is not None:
        initial = content
    elif template_id:
        initial = template_get(template_id=template_id).content
    else:
        initial = empty_content()
    if title:
        initial = _with_title(initial, title)
    diagram = Diagram.objects.create(
        workspace=workspace,
        created_by=user,
        title=initial.meta.title,
        template=template_id,
    )
    live.document_replace(diagram=diagram, content=initial, user=user, origin="create")
    audit_record(
        workspace_id=workspace.pk,
        actor=user,
        action="diagram.created",
        diagram_id=diagram.pk,
        data={"template": template_id, "title": initial.meta.title},
    )
    diagram.refresh_from_db()
    return diagram


@transaction.atomic
def diagram_content_replace(
    *,
    diagram: Diagram,
    user: User,
    content: Any,
    expected_hash: str | None = None,
    origin: str = "api",
) -> live.ReplaceResult:
    """Validate raw content (PUT) once and make the document equal to it in one transaction.

    Already validated content (an import, a restore) is taken as it is.
    """
    diagram_edit_role(user=user, workspace_id=diagram.workspace_id)
    parsed = content if isinstance(content, SopDiagram) else content_parse(content)
    return live.document_replace(
        diagram=diagram, content=parsed, user=user, origin=origin, expected_hash=expected_hash
    )


@transaction.atomic
def diagram_rename(*, diagram: Diagram, user: User, title: str) -> Diagram:
    """Rename = a locked change of `meta.title` alone in the live document."""
    diagram_edit_role(user=user, workspace_id=diagram.workspace_id)
    live.document_title_set(diagram=diagram, title=title_parse(title), user=user)
    diagram.refresh_from_db()
    return diagram


@transaction.atomic
def diagram_duplicate(*, diagram: Diagram, user: User) -> Diagram:
    """A new diagram in the same workspace with a copy of the live content."""
    diagram_edit_role(user=user, workspace_id=diagram.workspace_id)
    current = live.document_load(diagram_id=diagram.pk).content()
    title = f"Copy of {current.meta.title or diagram.title}"[:200]
    return diagram_create(workspace=diagram.workspace, user=user, title=title, content=current)


@transaction.atomic
def diagram_delete(*, diagram: Diagram, user: User) -> None:
    """Delete a diagram with its history; approved diagrams are kept (owners may still)."""
    role = diagram_edit_role(user=user, workspace_id=diagram.workspace_id)
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
def diagram_version_create(*, diagram: Diagram, user: User, message: str) -> DiagramVersion:
    """Freeze the live content as the next version; numbers are gapless under the row lock."""
    diagram_edit_role(user=user, workspace_id=diagram.workspace_id)
    locked = Diagram.objects.select_for_update(no_key=True).get(pk=diagram.pk)
    loaded = live.document_load(diagram_id=locked.pk)
    content = loaded.content()
    locked.version_seq += 1
    locked.save(update_fields=["version_seq"])
    version = DiagramVersion.objects.create(
        diagram=locked,
        number=locked.version_seq,
        message=text_clean(message).strip()[:500],
        author=user,
        content=content.as_json(),
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
    for hook in VERSION_CREATED_HOOKS:
        hook(version)
    return version


@transaction.atomic
def diagram_version_restore(*, diagram: Diagram, user: User, number: int) -> live.ReplaceResult:
    """Make the live document equal to a version by a forward transaction, and record it."""
    diagram_edit_role(user=user, workspace_id=diagram.workspace_id)
    version = version_get(diagram=diagram, number=number)
    result = live.document_replace(
        diagram=diagram, content=content_read(version.content), user=user, origin="restore"
    )
    audit_record(
        workspace_id=diagram.workspace_id,
        actor=user,
        action="version.restored",
        diagram_id=diagram.pk,
        data={"number": number, "hash": version.content_hash, "changed": result.changed},
    )
    return result
