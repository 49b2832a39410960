"""Read-side queries for diagrams and versions, scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import OuterRef, Q, QuerySet, Subquery

from apps.accounts.models import Membership, Role
from apps.common.errors import NotFound
from apps.diagrams import live
from apps.diagrams.diff import diff_as_json, diff_counts, diff_documents
from apps.diagrams.models import Diagram, DiagramVersion
from apps.diagrams.schema import SopDiagram, content_read

ORDERINGS = {
    "updated": "updated_at",
    "-updated": "-updated_at",
    "created": "created_at",
    "-created": "-created_at",
    "title": "title",
    "-title": "-title",
}


def _with_role(queryset: QuerySet[Diagram], user: User) -> QuerySet[Diagram]:
    """Each diagram with `role`: the user's role in its workspace (None when not a member)."""
    return queryset.annotate(
        role=Subquery(
            Membership.objects.filter(workspace_id=OuterRef("workspace_id"), user=user).values(
                "role"
            )[:1]
        )
    )


def diagram_list_for_user(
    *,
    user: User | AnonymousUser,
    workspace_id: int | None = None,
    search: str = "",
    ordering: str = "-updated",
) -> QuerySet[Diagram]:
    if not user.is_authenticated:
        return Diagram.objects.none()
    queryset = _with_role(
        Diagram.objects.filter(workspace__memberships__user=user).select_related(
            "workspace", "created_by"
        ),
        user,
    )
    if workspace_id is not None:
        queryset = queryset.filter(workspace_id=workspace_id)
    if search:
        queryset = queryset.filter(Q(title__icontains=search) | Q(template__icontains=search))
    return queryset.order_by(ORDERINGS.get(ordering, "-updated_at"), "-id")


def diagram_get_for_user(*, user: User | AnonymousUser, diagram_id: int) -> tuple[Diagram, Role]:
    """The diagram (carrying `role`, for its responses) and the user's role; one in a
    workspace they are not in is a 404."""
    if not user.is_authenticated:
        raise NotFound("Diagram not found.")
    diagram = (
        _with_role(Diagram.objects.filter(pk=diagram_id), user)
        .select_related("workspace", "created_by")
        .first()
    )
    role = getattr(diagram, "role", None)
    if diagram is None or role is None:
        raise NotFound("Diagram not found.")
    return diagram, Role(role)


def version_list(*, diagram: Diagram) -> QuerySet[DiagramVersion]:
    return (
        DiagramVersion.objects.filter(diagram=diagram)
        .select_related("author")
        .defer("ystate", "content")
    )


def version_get(*, diagram: Diagram, number: int) -> DiagramVersion:
    version = (
        DiagramVersion.objects.filter(diagram=diagram, number=number)
        .select_related("author")
        .first()
    )
    if version is None:
        raise NotFound(f"Version {number} of this diagram does not exist.")
    return version


def diagram_content_get(*, diagram: Diagram) -> SopDiagram:
    """The live content as the schema reads it."""
    return live.document_load(diagram_id=diagram.pk).content()


@dataclass(frozen=True)
class DiagramDiff:
    from_number: int
    to: int | str
    counts: dict[str, int]
    changes: list[dict[str, Any]]


def diagram_diff(*, diagram: Diagram, from_number: int, to_number: int | None) -> DiagramDiff:
    """Changes from one version to another, or to the live document when `to_number` is None."""
    old = content_read(version_get(diagram=diagram, number=from_number).content)
    if to_number is None:
        new = diagram_content_get(diagram=diagram)
    else:
        new = content_read(version_get(diagram=diagram, number=to_number).content)
    changes = diff_documents(old.as_json(), new.as_json())
    return DiagramDiff(
        from_number=from_number,
        to="live" if to_number is None else to_number,
        counts=diff_counts(changes),
        changes=diff_as_json(changes),
    )
