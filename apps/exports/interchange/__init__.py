"""Reading other formats into `sop-diagram/1`: our own JSON, and the common Mermaid flowchart
subset (nodes with shapes, links with labels, subgraphs as stages).

Everything here returns plain content for apps.diagrams.schema.content_parse to validate;
anything it cannot read is an ImportRejected naming the line and what it found.
"""

from __future__ import annotations

import json
from typing import Any

from apps.common.errors import BadJson
from apps.common.parsers import MAX_JSON_DEPTH, json_check_storable, json_nesting_depth
from apps.exports.interchange.errors import ImportRejected
from apps.exports.interchange.mermaid_import import mermaid_read

__all__ = ["MAX_JSON_CHARS", "ImportRejected", "json_read", "mermaid_read"]

MAX_JSON_CHARS = 4 * 1024 * 1024


def json_read(content: Any) -> dict[str, Any]:
    """A JSON document (text or already parsed) as a dict, or a precise reason why not."""
    if isinstance(content, str):
        if len(content) > MAX_JSON_CHARS:
            raise ImportRejected(
                f"The JSON is {len(content):,} characters long; at most {MAX_JSON_CHARS:,} "
                "can be imported.",
                field="content",
            )
        if json_nesting_depth(content) > MAX_JSON_DEPTH:
            raise ImportRejected(
                f"The JSON is nested too deeply (more than {MAX_JSON_DEPTH} levels).",
                field="content",
            )
        try:
            content = json.loads(content)
        except json.JSONDecodeError as exc:
            raise ImportRejected(
                f"The JSON cannot be read: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
                field="content",
            ) from None
        except ValueError as exc:  # the int() digit limit, for integers thousands of digits long
            raise ImportRejected(f"The JSON cannot be read: {exc}", field="content") from None
    if not isinstance(content, dict):
        raise ImportRejected(
            'A JSON import must be one sop-diagram/1 object ({"schema", "meta", "nodes", '
            '"edges"}).',
            field="content",
        )
    try:
        # The same limits as a request body: no NUL, lone surrogate, non-finite or huge number.
        json_check_storable(content)
    except BadJson as exc:
        where = f"content.{exc.field}" if exc.field else "content"
        raise ImportRejected(exc.detail, field=where) from None
    return content
