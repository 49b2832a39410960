"""Read-side queries for diagrams and versions, scoped to what the user may see."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from apps.accounts.models import Role
from apps.accounts.selectors import membership_role
from apps.common.errors import NotFound
from apps.diagrams.models import Diagram, DiagramVersion

ORDERINGS = {
    "updated": "updated_at",
    "-updated": "-updated_at",
    "created": "created_at",
    "-created": "-created_at",
    "title": "title",
    "-title": "-title",
}


def diagram_list_for_user(
    *,
    user: User | AnonymousUser,
    workspace_id: int | None = None,
    search: str = "",
    ordering: str = "-updated",
) -> QuerySet[Diagram]:
    if not user.is_authenticated:
        return Diagram.objects.none()
    queryset = Diagram.objects.filter(workspace__memberships__user=user).select_related(
        "workspace", "created_by"
    )
    if workspace_id is not None:
        queryset = queryset.filter(workspace_id=workspace_id)
    if search:
        queryset = queryset.filter(Q(title__icontains=search) | Q(template__icontains=search))
    return queryset.order_by(ORDERINGS.get(ordering, "-updated_at"), "-id")


def diagram_get_for_user(*, user: User | AnonymousUser, diagram_id: int) -> tuple[Diagram, Role]:
    """The diagram and the user's role; one in a workspace they are not in is a 404."""
    diagram = Diagram.objects.filter(pk=diagram_id).select_related("workspace").first()
    if diagram is None:
        raise NotFound("Diagram not found.")
    role = membership_role(user=user, workspace_id=diagram.workspace_id)
    if role is None:
        raise NotFound("Diagram not found.")
    return diagram, role


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
