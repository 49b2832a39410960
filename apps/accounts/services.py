"""Write-side operations on workspaces and memberships; each checks the actor's role first."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from apps.accounts import events
from apps.accounts.models import ROLE_CAN_MANAGE, Membership, Role, Workspace
from apps.accounts.selectors import membership_role
from apps.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "workspace"
    slug, n = base, 1
    while Workspace.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def workspace_create(*, name: str, owner: User) -> Workspace:
    """Create a workspace with its creator as owner."""
    name = name.strip()
    if not name:
        raise ValidationFailed("A workspace needs a name.", field="name")
    workspace = Workspace.objects.create(name=name[:120], slug=_unique_slug(name))
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    return workspace


def _require_manager(*, actor: User, workspace: Workspace) -> None:
    role = membership_role(user=actor, workspace_id=workspace.pk)
    if role is None:
        raise NotFound("Workspace not found.")
    if role not in ROLE_CAN_MANAGE:
        raise PermissionDenied("Only a workspace owner can manage members.")


def _ensure_an_owner_remains(*, membership: Membership) -> None:
    others = (
        Membership.objects.select_for_update()
        .filter(workspace_id=membership.workspace_id, role=Role.OWNER)
        .exclude(pk=membership.pk)
    )
    if membership.role == Role.OWNER and not others.exists():
        raise Conflict("A workspace must keep at least one owner.")


@transaction.atomic
def membership_invite(
    *, workspace: Workspace, actor: User, identifier: str, role: str
) -> Membership:
    """Add an existing user, found by username or email, to the workspace with a role."""
    _require_manager(actor=actor, workspace=workspace)
    if role not in Role.values:
        raise ValidationFailed(f"Unknown role {role!r}.", field="role")
    identifier = identifier.strip()
    user_model = get_user_model()
    user = (
        user_model.objects.filter(Q(username=identifier) | Q(email__iexact=identifier))
        .order_by("pk")
        .first()
        if identifier
        else None
    )
    if user is None:
        raise ValidationFailed(f"No user is called {identifier!r}.", field="user")
    if Membership.objects.filter(workspace=workspace, user=user).exists():
        raise Conflict("That user is already a member.")
    return Membership.objects.create(workspace=workspace, user=user, role=role)


@transaction.atomic
def membership_role_update(*, membership: Membership, actor: User, role: str) -> Membership:
    """Change a member's role; open sockets of that member learn of it at once."""
    _require_manager(actor=actor, workspace=membership.workspace)
    if role not in Role.values:
        raise ValidationFailed(f"Unknown role {role!r}.", field="role")
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role != Role.OWNER:
        _ensure_an_owner_remains(membership=membership)
    membership.role = role
    membership.save(update_fields=["role"])
    events.membership_changed(workspace_id=membership.workspace_id, user_id=membership.user_id)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    """Remove a member; their open sockets on the workspace's diagrams are closed."""
    _require_manager(actor=actor, workspace=membership.workspace)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _ensure_an_owner_remains(membership=membership)
    workspace_id, user_id = membership.workspace_id, membership.user_id
    membership.delete()
    events.membership_changed(workspace_id=workspace_id, user_id=user_id)
