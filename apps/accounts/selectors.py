"""Read-side queries for accounts: who belongs where, with which role."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from apps.accounts.models import Membership, Role, Workspace
from apps.common.errors import NotFound


def workspace_list_for_user(*, user: User | AnonymousUser) -> QuerySet[Workspace]:
    if not user.is_authenticated:
        return Workspace.objects.none()
    return Workspace.objects.filter(memberships__user=user).distinct()


def membership_role(*, user: User | AnonymousUser, workspace_id: int) -> Role | None:
    """The user's role in the workspace, or None when they are not a member."""
    if not user.is_authenticated:
        return None
    role = (
        Membership.objects.filter(user_id=user.pk, workspace_id=workspace_id)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None


def workspace_get_for_user(
    *, user: User | AnonymousUser, workspace_id: int
) -> tuple[Workspace, Role]:
    """The workspace and the user's role; a workspace they are not in does not exist for them."""
    role = membership_role(user=user, workspace_id=workspace_id)
    if role is None:
        raise NotFound("Workspace not found.")
    return Workspace.objects.get(pk=workspace_id), role


def membership_list(*, workspace: Workspace) -> QuerySet[Membership]:
    return Membership.objects.filter(workspace=workspace).select_related("user")
