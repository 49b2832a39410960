"""Read-side queries for the collaboration socket: may this user open this diagram, and how."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User

from apps.accounts.models import ROLE_CAN_EDIT, Role
from apps.accounts.selectors import membership_role
from apps.common.errors import NotFound
from apps.diagrams.selectors import diagram_get_for_user


@dataclass(frozen=True)
class CollabAccess:
    diagram_id: int
    workspace_id: int
    role: Role

    @property
    def can_edit(self) -> bool:
        return self.role in ROLE_CAN_EDIT


def collab_access(*, user: User | AnonymousUser, diagram_id: int) -> CollabAccess | None:
    """The user's access to the diagram, or None when they may not see it at all."""
    if not user.is_authenticated or not user.is_active:
        return None
    try:
        diagram, role = diagram_get_for_user(user=user, diagram_id=diagram_id)
    except NotFound:
        return None
    return CollabAccess(diagram_id=diagram.pk, workspace_id=diagram.workspace_id, role=role)


def collab_role(*, user: User | AnonymousUser, workspace_id: int) -> Role | None:
    """The user's current role in the workspace (None once they were removed)."""
    return membership_role(user=user, workspace_id=workspace_id)
