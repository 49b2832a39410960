"""Read-side queries for accounts: who belongs where, with which role, and who sees what."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Case, CharField, F, OuterRef, Q, QuerySet, Subquery, Value, When

from apps.accounts.models import Membership, Role, Workspace
from apps.common.errors import NotFound


def workspace_list_for_user(*, user: User | AnonymousUser) -> QuerySet[Workspace]:
    """The workspaces the user belongs to, each annotated with the user's `role` in it."""
    if not user.is_authenticated:
        return Workspace.objects.none()
    own_role = Membership.objects.filter(workspace=OuterRef("pk"), user_id=user.pk).values("role")
    return Workspace.objects.filter(memberships__user_id=user.pk).annotate(
        role=Subquery(own_role[:1])
    )


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


def workspace_get_with_role(*, user: User | AnonymousUser, workspace_id: int) -> Workspace:
    """The workspace annotated with the user's `role`; not found unless they are a member."""
    workspace = workspace_list_for_user(user=user).filter(pk=workspace_id).first()
    if workspace is None:
        raise NotFound("Workspace not found.")
    return workspace


def _members_seen_by(*, user: User | AnonymousUser, role: Role) -> QuerySet[Membership]:
    """Memberships annotated with `visible_email`: the address only where `user` may see it.

    A member sees their own address; an owner sees the address they typed to add someone. Nobody
    else does, so adding a user to a workspace of one's own never reveals their address.
    """
    may_see = Q(user_id=user.pk)
    if role == Role.OWNER:
        may_see |= Q(invited_by_email=True, invited_by_id=user.pk)
    return Membership.objects.select_related("user").annotate(
        visible_email=Case(
            When(may_see, then=F("user__email")),
            default=Value(None),
            output_field=CharField(),
        )
    )


def membership_list(*, user: User | AnonymousUser, workspace_id: int) -> QuerySet[Membership]:
    """The workspace's members as `user` may see them; not found unless `user` is a member."""
    role = membership_role(user=user, workspace_id=workspace_id)
    if role is None:
        raise NotFound("Workspace not found.")
    return _members_seen_by(user=user, role=role).filter(workspace_id=workspace_id)


def membership_get(
    *, user: User | AnonymousUser, workspace_id: int, membership_id: int
) -> Membership:
    """One member of the workspace as `user` may see them (see `membership_list`)."""
    membership = (
        membership_list(user=user, workspace_id=workspace_id)
        .select_related("workspace")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        raise NotFound("Member not found.")
    return membership
