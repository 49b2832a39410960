"""The one paginator of the API: `?limit=&offset=`, validated, with a capped page size."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

from apps.common.api import MAX_QUERY_INTEGER, int_param

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _query_integer(request: Request, name: str, *, minimum: int) -> int | None:
    """The whole number in query parameter `name`, or None when absent; 400 when it is not one."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    return int_param(raw, name=name, minimum=minimum)


class PagePagination(LimitOffsetPagination):
    """Limit/offset pages of 50 by default; a larger `limit` is capped at 200, never refused."""

    default_limit = DEFAULT_PAGE_SIZE
    max_limit = MAX_PAGE_SIZE

    def get_limit(self, request: Request) -> int:
        limit = _query_integer(request, self.limit_query_param, minimum=1)
        if limit is None:
            return self.default_limit
        return min(limit, self.max_limit)

    def get_offset(self, request: Request) -> int:
        offset = _query_integer(request, self.offset_query_param, minimum=0)
        return offset or 0

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Results per page: {DEFAULT_PAGE_SIZE} by default; "
                    f"more than {MAX_PAGE_SIZE} is capped at {MAX_PAGE_SIZE}."
                ),
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_QUERY_INTEGER},
            },
            {
                "name": self.offset_query_param,
                "required": False,
                "in": "query",
                "description": "Index of the first result to return.",
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_QUERY_INTEGER},
            },
        ]
