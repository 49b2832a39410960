"""Page size and query parameters: whole numbers in range, capped pages, no NUL, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from apps.common.errors import ValidationFailed
from apps.common.pagination import MAX_PAGE_SIZE, PagePagination
from apps.diagrams.models import Diagram

LISTS = [
    "/api/diagrams/",
    "/api/diagrams/{id}/versions/",
    "/api/diagrams/{id}/exports/",
]


def _page(query: dict[str, str], items: int = 500) -> tuple[PagePagination, list[int]]:
    paginator = PagePagination()
    request = Request(APIRequestFactory().get("/api/things/", query))
    return paginator, paginator.paginate_queryset(list(range(items)), request) or []


def test_the_default_page_is_50_and_a_larger_limit_is_capped_at_200() -> None:
    assert len(_page({})[1]) == 50
    assert len(_page({"limit": "120"})[1]) == 120
    paginator, page = _page({"limit": "100000"})
    assert len(page) == MAX_PAGE_SIZE == 200
    assert "limit=200" in (paginator.get_next_link() or "")


def test_offset_pages_through_and_past_the_end_is_empty() -> None:
    assert _page({"limit": "10", "offset": "495"})[1] == [495, 496, 497, 498, 499]
    assert _page({"offset": "9223372036854775807"})[1] == []


@pytest.mark.parametrize("name", ["limit", "offset"])
@pytest.mark.parametrize(
    "value", ["9223372036854775808", "-1", "abc", "1.5", "+5", " 5", "1_0", "\u0663", "9" * 5000]
)
def test_values_that_are_not_whole_numbers_in_range_are_refused(name: str, value: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _page({name: value})
    assert refused.value.field == name


def test_limit_zero_is_refused_and_offset_zero_is_the_start() -> None:
    with pytest.raises(ValidationFailed):
        _page({"limit": "0"})
    assert _page({"offset": "0", "limit": "2"})[1] == [0, 1]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=9223372036854775808", "limit"),
        ("offset=9223372036854775808", "offset"),
        ("limit=-1", "limit"),
        ("limit=abc", "limit"),
    ],
)
def test_every_paginated_list_answers_400_for_a_bad_limit_or_offset(
    api: APIClient, fraud_diagram: Diagram, path: str, query: str, field: str
) -> None:
    response = api.get(f"{path.format(id=fraud_diagram.pk)}?{query}")
    assert response.status_code == 400, response.content
    assert response.json() == {
        "code": "invalid",
        "detail": response.json()["detail"],
        "field": field,
    }


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/diagrams/{id}/diff?from=9223372036854775808", "from"),
        ("/api/diagrams/{id}/diff?from=%2B1", "from"),
        ("/api/diagrams/{id}/diff?from=1&to=1_0", "to"),
        ("/api/diagrams/?workspace=9223372036854775808", "workspace"),
        ("/api/diagrams/?workspace=%EF%BC%91", "workspace"),
        ("/api/diagrams/?ordering=AAA", "ordering"),
    ],
)
def test_other_integer_parameters_are_whole_numbers_in_range_too(
    api: APIClient, fraud_diagram: Diagram, path: str, field: str
) -> None:
    response = api.get(path.format(id=fraud_diagram.pk))
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field


@pytest.mark.parametrize("path", LISTS)
def test_every_paginated_list_caps_the_page_size(
    api: APIClient, fraud_diagram: Diagram, path: str
) -> None:
    response = api.get(f"{path.format(id=fraud_diagram.pk)}?limit=100000")
    assert response.status_code == 200
    assert set(response.json()) == {"count", "next", "previous", "results"}


@pytest.mark.parametrize(
    "query",
    ["search=a%00b", "ordering=%00", "workspace=1%00", "a%00=1", "limit=1%00"],
)
def test_nul_in_any_api_query_parameter_is_400_naming_it(
    api: APIClient, fraud_diagram: Diagram, query: str
) -> None:
    response = api.get(f"/api/diagrams/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["field"] == query.split("=")[0].replace("%00", "\\u0000")


def test_nul_in_the_query_string_of_other_endpoints_is_400_too(
    api: APIClient, fraud_diagram: Diagram
) -> None:
    response = api.get(f"/api/diagrams/{fraud_diagram.pk}/diff?from=1%00&to=live")
    assert (response.status_code, response.json()["field"]) == (400, "from")


@pytest.mark.django_db
def test_nul_outside_the_api_is_left_to_the_page(client: Any) -> None:
    # The sign-in page does not read its query string into the database.
    assert client.get("/accounts/login/?next=/%00").status_code == 200
