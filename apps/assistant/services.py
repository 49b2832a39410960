"""Assistant operations: validate a diagram, configure a workspace's lint rules."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from apps.accounts.models import ROLE_CAN_MANAGE
from apps.accounts.selectors import membership_role
from apps.assistant.lint import LEVELS, LintReport, lint_document
from apps.assistant.models import LintConfig
from apps.assistant.rules import RULE_BY_ID
from apps.assistant.selectors import LintConfigView, lint_config_get, lint_overrides
from apps.common.errors import NotFound, PermissionDenied, ValidationFailed
from apps.diagrams.schema import content_parse
from apps.diagrams.selectors import diagram_content_get, diagram_get_for_user


def diagram_validate(
    *, user: User, diagram_id: int, content: Any | None = None, today: date | None = None
) -> LintReport:
    """Lint the live document, or `content` (checked against the schema first) instead of it,
    with the workspace's rule configuration; any member may, others get a 404."""
    diagram, _ = diagram_get_for_user(user=user, diagram_id=diagram_id)
    document = (
        content_parse(content) if content is not None else diagram_content_get(diagram=diagram)
    )
    return lint_document(
        document, config=lint_overrides(workspace_id=diagram.workspace_id), today=today
    )


def _checked_levels(rules: Any) -> dict[str, str | None]:
    if not isinstance(rules, Mapping):
        raise ValidationFailed("rules must be an object of rule id to level.", field="rules")
    checked: dict[str, str | None] = {}
    for rule_id, level in rules.items():
        if rule_id not in RULE_BY_ID:
            raise ValidationFailed(
                f"Unknown rule {rule_id!r}; GET /api/assistant/rules lists them.",
                field=f"rules.{rule_id}",
            )
        if level is not None and level not in LEVELS:
            raise ValidationFailed(
                f"The level of {rule_id} must be one of {', '.join(LEVELS)}, or null for the "
                "rule's default.",
                field=f"rules.{rule_id}",
            )
        checked[str(rule_id)] = level
    return checked


@transaction.atomic
def lint_config_update(*, user: User, workspace_id: int, rules: Any) -> LintConfigView:
    """Change rule levels for a workspace (owners only); `null` restores a rule's default."""
    role = membership_role(user=user, workspace_id=workspace_id)
    if role is None:
        raise NotFound("Workspace not found.")
    if role not in ROLE_CAN_MANAGE:
        raise PermissionDenied("Only a workspace owner can change the lint configuration.")
    changes = _checked_levels(rules)
    config, _ = LintConfig.objects.select_for_update().get_or_create(workspace_id=workspace_id)
    merged = dict(config.rules)
    for rule_id, level in changes.items():
        if level is None or level == RULE_BY_ID[rule_id].severity.value:
            merged.pop(rule_id, None)
        else:
            merged[rule_id] = level
    config.rules = dict(sorted(merged.items()))
    config.updated_by = user
    config.save()
    return lint_config_get(user=user, workspace_id=workspace_id)
