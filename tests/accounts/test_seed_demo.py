"""`seed_demo`, which `make run` calls, is idempotent and leaves a usable demo account."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from apps.accounts.models import Membership, Role
from apps.diagrams.models import Diagram


@pytest.mark.django_db
def test_seed_demo_twice_creates_one_user_workspace_and_template_diagrams() -> None:
    call_command("seed_demo")
    call_command("seed_demo")
    # With the request, as every sign-in passes it (the throttle needs the client's address).
    sign_in = RequestFactory().post("/accounts/login/")
    user = authenticate(sign_in, username="demo", password="demo-sop-studio")
    assert user is not None
    memberships = Membership.objects.filter(user=user)
    assert memberships.count() == 1 and memberships.get().role == Role.OWNER
    titles = set(
        Diagram.objects.filter(workspace=memberships.get().workspace).values_list(
            "title", flat=True
        )
    )
    assert len(titles) == 4
