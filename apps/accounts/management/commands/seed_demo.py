"""Create the demo user and workspace (idempotent) and print how to sign in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from apps.accounts.models import Membership, Role, Workspace
from apps.accounts.services import workspace_create
from apps.diagrams.models import Diagram
from apps.diagrams.services import diagram_create
from apps.diagrams.templates import template_catalogue


class Command(BaseCommand):
    help = "Create the demo user, a demo workspace and one diagram per template."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", default="demo")
        parser.add_argument("--password", default="demo-sop-studio")

    def handle(self, *args: Any, **options: Any) -> None:
        # Loading the catalogue validates every shipped template against the schema.
        catalogue = template_catalogue()
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=options["username"], defaults={"email": f"{options['username']}@example.com"}
        )
        if created:
            user.set_password(options["password"])
            user.save()
        workspace = Workspace.objects.filter(memberships__user=user, name="Demo workspace").first()
        if workspace is None:
            workspace = workspace_create(name="Demo workspace", owner=user)
        Membership.objects.get_or_create(
            workspace=workspace, user=user, defaults={"role": Role.OWNER}
        )
        if not Diagram.objects.filter(workspace=workspace).exists():
            for template_id in catalogue:
                if template_id != "blank":
                    diagram_create(workspace=workspace, user=user, template_id=template_id)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo sign-in: username {options['username']!r}, password "
                f"{options['password']!r} (created now: {created})"
            )
        )
