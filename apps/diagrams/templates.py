"""The shipped SOP templates (blank seven-stage and four real-world), read from templates_data/."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from apps.common.errors import ValidationFailed
from apps.diagrams.schema import content_parse

TEMPLATES_DIR = Path(__file__).with_name("templates_data")
# The order the editor offers them in: blank first.
TEMPLATE_ORDER = (
    "blank",
    "realtime-recommendations",
    "fraud-detection-api",
    "nightly-demand-forecasting",
    "support-ticket-classification",
)


@cache
def template_catalogue() -> dict[str, dict[str, Any]]:
    catalogue: dict[str, dict[str, Any]] = {}
    for template_id in TEMPLATE_ORDER:
        path = TEMPLATES_DIR / f"{template_id}.json"
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
        data["content"] = content_parse(data["content"])
        catalogue[template_id] = data
    return catalogue


def template_list() -> list[dict[str, Any]]:
    return list(template_catalogue().values())


def template_get(*, template_id: str) -> dict[str, Any]:
    try:
        return template_catalogue()[template_id]
    except KeyError:
        known = ", ".join(TEMPLATE_ORDER)
        raise ValidationFailed(
            f"Unknown template {template_id!r}; choose one of {known}.", field="template"
        ) from None
