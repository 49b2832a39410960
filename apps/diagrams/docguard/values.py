"""Field-by-field checks against the schema's own models, and the smallest repairs."""

from __future__ import annotations

import math
from typing import Any

from pycrdt import Array, Map, Text
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails, PydanticUndefined, to_jsonable_python

from apps.diagrams import theme as sop_theme
from apps.diagrams.docguard.touched import ABSENT
from apps.diagrams.schema import (
    XML_FORBIDDEN,
    DiagramEdge,
    DiagramMeta,
    DiagramNode,
    ElementId,
    text_clean,
)
from apps.diagrams.ydoc import FIELDS

_FIELD_KEYS = frozenset(sop_theme.field_keys())
_ID = TypeAdapter(ElementId)
_REPAIR_ROUNDS = 25


def plain(value: Any) -> Any:
    return value.to_py() if isinstance(value, Map | Array | Text) else value


def faithful(raw: Any, valid: Any) -> bool:
    """True when the schema's validated value is the raw value itself, type for JSON type
    (the schema would coerce "12" to 12.0 and strip control characters; we store neither)."""
    if isinstance(raw, bool) or isinstance(valid, bool):
        return isinstance(raw, bool) and isinstance(valid, bool) and raw is valid
    if isinstance(raw, int | float):
        return (
            isinstance(valid, int | float)
            and math.isfinite(raw)
            and math.isfinite(valid)
            and float(raw) == float(valid)
        )
    if isinstance(raw, str):
        return isinstance(valid, str) and raw == valid and not XML_FORBIDDEN.search(raw)
    if isinstance(raw, list):
        return (
            isinstance(valid, list)
            and len(raw) == len(valid)
            and all(faithful(item, out) for item, out in zip(raw, valid, strict=True))
        )
    if isinstance(raw, dict):
        return isinstance(valid, dict) and all(
            key in valid and faithful(item, valid[key]) for key, item in raw.items()
        )
    return False


def cleaned(value: Any) -> Any:
    """Strings without forbidden characters, non-finite numbers dropped from containers."""
    if isinstance(value, str):
        return text_clean(value)
    if isinstance(value, float) and not math.isfinite(value):
        return ABSENT
    if isinstance(value, list):
        items = [cleaned(item) for item in value]
        return [item for item in items if item is not ABSENT]
    if isinstance(value, dict):
        entries = {str(key): cleaned(item) for key, item in value.items()}
        return {key: item for key, item in entries.items() if item is not ABSENT}
    return value


def fix_at(value: Any, error: ErrorDetails) -> tuple[bool, Any]:
    """Apply the smallest fix for one validation error at its location inside `value`."""
    loc = list(error["loc"][1:])
    parents: list[tuple[Any, Any]] = []
    target = value
    for part in loc:
        if isinstance(target, list) and isinstance(part, int) and part < len(target):
            parents.append((target, part))
            target = target[part]
        elif isinstance(target, dict) and isinstance(part, str) and part in target:
            parents.append((target, part))
            target = target[part]
        else:
            break  # a union member's tag, not a place in the value
    kind = error["type"]
    context = error.get("ctx") or {}
    fixed: Any = ABSENT
    if kind == "string_too_long" and isinstance(target, str):
        fixed = target[: int(context["max_length"])]
    elif kind == "too_long" and isinstance(target, list):
        fixed = target[: int(context["max_length"])]
    elif (
        kind in ("less_than_equal", "greater_than_equal")
        and isinstance(target, int | float)
        and not isinstance(target, bool)
        and math.isfinite(target)
    ):
        fixed = context.get("le", context.get("ge"))
    if fixed is not ABSENT:
        if not parents:
            return True, fixed
        container, key = parents[-1]
        container[key] = fixed
        return True, value
    if not parents:
        return False, value
    # Whatever else is wrong inside a list or a mapping: drop the innermost entry at fault.
    container, key = parents[-1]
    del container[key]
    return True, value


class FieldChecker:
    """Validates one field of one schema model at a time, as the model itself would."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model
        self.instance = model.model_construct()
        self.validator = model.__pydantic_validator__

    def valid(self, name: str, value: Any) -> Any:
        """The validated value; raises ValidationError."""
        self.validator.validate_assignment(self.instance, name, value)
        return to_jsonable_python(self.instance.__dict__[name])

    def default(self, name: str) -> Any:
        info = self.model.model_fields[name]
        if info.default_factory is not None:
            return info.default_factory()  # type: ignore[call-arg]
        return ABSENT if info.default is PydanticUndefined else info.default

    def repaired(self, name: str, raw: Any, previous: Any) -> Any:
        """The value to keep: raw if the schema accepts it as is, else the first of its
        cleaned form, the previous value and the default that it accepts; ABSENT if none."""
        if raw is not ABSENT:
            try:
                if faithful(raw, self.valid(name, raw)):
                    return raw
            except (ValidationError, RecursionError):
                pass
            candidate = self._clean(name, raw)
            if candidate is not ABSENT:
                return candidate
        for fallback in (previous, self.default(name)):
            if fallback is ABSENT:
                continue
            fallback = plain(fallback)
            try:
                if faithful(fallback, self.valid(name, fallback)):
                    return fallback
            except (ValidationError, RecursionError):
                continue
        return ABSENT

    def _clean(self, name: str, raw: Any) -> Any:
        value = cleaned(raw)
        if value is ABSENT:
            return ABSENT
        for _ in range(_REPAIR_ROUNDS):
            try:
                valid = self.valid(name, value)
            except ValidationError as exc:
                fixed, value = fix_at(value, exc.errors()[0])
                if not fixed:
                    return ABSENT
                continue
            except RecursionError:
                return ABSENT
            return value if faithful(value, valid) else ABSENT
        return ABSENT


META_CHECKER = FieldChecker(DiagramMeta)
NODE_CHECKER = FieldChecker(DiagramNode)
EDGE_CHECKER = FieldChecker(DiagramEdge)
_FIELDS_TYPE = DiagramNode.model_fields[FIELDS].annotation
assert _FIELDS_TYPE is not None
_FIELD_VALUE: TypeAdapter[dict[str, Any]] = TypeAdapter(_FIELDS_TYPE)


def valid_id(element_id: str) -> bool:
    try:
        return _ID.validate_python(element_id) == element_id
    except ValidationError:
        return False


def field_value(key: str, raw: Any, previous: Any) -> Any:
    """A structured field's value the schema accepts, or ABSENT to remove the key."""
    if key not in _FIELD_KEYS:
        return ABSENT
    for candidate in (raw, cleaned(raw) if isinstance(raw, str) else ABSENT, previous):
        if candidate is ABSENT or isinstance(candidate, Map | Array | Text):
            continue
        for _ in range(2):
            try:
                valid = _FIELD_VALUE.validate_python({key: candidate})[key]
            except ValidationError as exc:
                error = exc.errors()[0]
                if error["type"] == "string_too_long" and isinstance(candidate, str):
                    candidate = candidate[: int(error["ctx"]["max_length"])]
                    continue
                break
            if faithful(candidate, valid):
                return candidate
            break
    return ABSENT
