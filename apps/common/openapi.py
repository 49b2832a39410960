"""Publish the pydantic `sop-diagram/1` schema as OpenAPI components."""

from __future__ import annotations

import json
from typing import Any

SOP_DIAGRAM_REF = {"$ref": "#/components/schemas/SopDiagram"}
ERROR_REF = {"$ref": "#/components/schemas/Error"}


def add_sop_diagram_components(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: add SopDiagram (with its parts) and Error."""
    from apps.diagrams.schema import sop_diagram_json_schema

    schema = sop_diagram_json_schema()
    definitions = schema.pop("$defs", {})
    text = json.dumps({"SopDiagram": schema, **definitions}).replace(
        '"#/$defs/', '"#/components/schemas/'
    )
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.update(json.loads(text))
    components["Error"] = {
        "type": "object",
        "required": ["code", "detail"],
        "properties": {
            "code": {"type": "string", "example": "invalid"},
            "detail": {"type": "string"},
            "field": {"type": "string", "description": "dotted path of the offending field"},
        },
    }
    return result
