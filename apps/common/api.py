"""Small helpers shared by API views."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.models import User
from rest_framework.request import Request

from apps.common.errors import ValidationFailed

# PostgreSQL's bigint: a number past it fails in the database, not in validation.
MAX_QUERY_INTEGER = 2**63 - 1
_WHOLE_NUMBER = re.compile(r"[0-9]{1,19}")


def request_user(request: Request) -> User:
    user: Any = request.user
    return user  # IsAuthenticated has already refused anonymous callers


def int_param(value: Any, *, name: str, minimum: int = 0) -> int:
    """A query parameter's whole number in [minimum, 2**63 - 1]; 400 naming it otherwise."""
    # ASCII digits only: int() would also take "+5", " 5", "1_0" and other scripts' digits.
    if (
        not isinstance(value, str)
        or not _WHOLE_NUMBER.fullmatch(value)
        or not minimum <= int(value) <= MAX_QUERY_INTEGER
    ):
        raise ValidationFailed(
            f"{name} must be a whole number from {minimum} to {MAX_QUERY_INTEGER}.", field=name
        )
    return int(value)
