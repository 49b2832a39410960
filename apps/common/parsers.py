"""JSON request bodies we can hold: bounded nesting, finite numbers, 64-bit integers, no NUL.

`json.loads` recurses once per nesting level (RecursionError, a 500, at about 1,000), turns
`1e309` into infinity and accepts NUL and lone surrogates in strings, all of which PostgreSQL
(JSONB, text) refuses later, after some of the request may already have been committed.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from collections.abc import Mapping
from itertools import accumulate
from typing import IO, Any

from rest_framework.parsers import JSONParser

from apps.common.errors import BadJson

MAX_JSON_DEPTH = 64
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

# A JSON string literal, unrolled so it matches in linear time; used to blank strings out
# before counting brackets, since brackets inside strings do not nest.
_STRING_LITERAL = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_DEPTH_CHANGE = {"[": 1, "{": 1, "]": -1, "}": -1}
_SURROGATE = re.compile("[\ud800-\udfff]")
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def json_nesting_depth(text: str) -> int:
    """The deepest bracket nesting in `text`, counted without recursion."""
    brackets = _NOT_A_BRACKET.sub("", _STRING_LITERAL.sub('""', text))
    return max(accumulate(map(_BRACKET_DEPTH_CHANGE.__getitem__, brackets)), default=0)


def _key_path(path: str, key: str) -> str:
    if _PLAIN_KEY.fullmatch(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key)}]"


def _string_problem(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character (\\u0000)"
    if _SURROGATE.search(text):
        return "contains an unpaired UTF-16 surrogate"
    return None


def json_check_storable(value: Any) -> None:
    """Refuse what PostgreSQL and our readers cannot hold, naming the JSON path that has it."""
    pending: list[tuple[str, Any]] = [("", value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, Mapping):
            for key, child in item.items():
                child_path = _key_path(path, str(key))
                problem = _string_problem(str(key))
                if problem:
                    raise BadJson(f"A key {problem}.", field=child_path)
                pending.append((child_path, child))
        elif isinstance(item, list):
            pending.extend((f"{path}[{index}]", child) for index, child in enumerate(item))
        elif isinstance(item, str):
            problem = _string_problem(item)
            if problem:
                raise BadJson(f"The text {problem}.", field=path or None)
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if not INT64_MIN <= item <= INT64_MAX:
                raise BadJson("The integer is outside the signed 64-bit range.", field=path or None)
        elif isinstance(item, float) and not math.isfinite(item):
            raise BadJson(
                "The number is not finite (NaN, Infinity or too large for a double).",
                field=path or None,
            )


def strict_json_loads(text: str | bytes) -> Any:
    """`json.loads` for untrusted input: 400 `bad_json` instead of a 500 or unstorable data."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise BadJson("The body is not valid UTF-8.") from None
    if json_nesting_depth(text) > MAX_JSON_DEPTH:
        raise BadJson(f"The JSON is nested deeper than {MAX_JSON_DEPTH} levels.")
    try:
        value = json.loads(text)
    except RecursionError:  # cannot happen below the depth limit; kept as a last line
        raise BadJson(f"The JSON is nested deeper than {MAX_JSON_DEPTH} levels.") from None
    except ValueError as exc:
        # JSONDecodeError, and the int() digit limit for integers thousands of digits long.
        raise BadJson(f"The body is not valid JSON: {exc}") from None
    json_check_storable(value)
    return value


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, with the limits of `strict_json_loads`."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        raw = stream.read()
        try:
            text = codecs.decode(raw, encoding)
        except (UnicodeDecodeError, LookupError):
            raise BadJson(f"The body is not valid {encoding}.") from None
        return strict_json_loads(text)
