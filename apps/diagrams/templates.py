"""The shipped SOP templates (blank seven-stage and four real-world), read from templates_data/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from apps.common.errors import ValidationFailed
from apps.diagrams.schema import SopDiagram, content_parse

TEMPLATES_DIR = Path(__file__).with_name("templates_data")
# The order the editor offers them in: blank first.
TEMPLATE_ORDER = (
    "blank",
    "realtime-recommendations",
    "fraud-detection-api",
    "nightly-demand-forecasting",
    "support-ticket-classification",
)


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    summary: str
    industry: str
    content: SopDiagram


@cache
def template_catalogue() -> dict[str, Template]:
    """Every template, validated against the schema once per process."""
    catalogue: dict[str, Template] = {}
    for template_id in TEMPLATE_ORDER:
        path = TEMPLATES_DIR / f"{template_id}.json"
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
        catalogue[template_id] = Template(
            id=data["id"],
            name=data["name"],
            summary=data["summary"],
            industry=data.get("industry", ""),
            content=content_parse(data["content"]),
        )
    return catalogue


def template_list() -> list[Template]:
    return list(template_catalogue().values())


def template_get(*, template_id: str) -> Template:
    try:
        return template_catalogue()[template_id]
    except KeyError:
        known = ", ".join(TEMPLATE_ORDER)
        raise ValidationFailed(
            f"Unknown template {template_id!r}; choose one of {known}.", field="template"
        ) from None
