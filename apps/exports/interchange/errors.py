"""The one error every import raises: a 400 that says what could not be read and where."""

from __future__ import annotations

from apps.common.errors import ValidationFailed


class ImportRejected(ValidationFailed):
    """The text cannot be imported; the message says where and why."""

    code = "import_rejected"
