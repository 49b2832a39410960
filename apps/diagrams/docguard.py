"""Keep a live document inside `sop-diagram/1`, whatever a collaborator's Yjs update sets.

A websocket update is applied to the room's Doc and then only what it touched is checked
against the schema's own models (`DiagramMeta`, `DiagramNode`, `DiagramEdge`): the meta keys,
node ids and edge ids named by the Doc's deep events. A value the schema refuses is repaired
at once by a transaction of the server's own, so nothing the schema refuses is ever stored:

- text: characters XML forbids are stripped, over-long text is truncated;
- a finite number out of range is clamped;
- a wrong type, a non-finite number or an unknown enum value becomes the previous value if
  there was a valid one, else the schema default;
- an element that cannot be repaired (no valid id, no valid kind or stage, no valid ends)
  is deleted, as are nodes or edges beyond the document limits.

The caller stores the NET change (the client's update plus the repair, as
`doc.get_update(state_before)`): the repaired items are deleted, and Yjs keeps no content for
deleted items, so the refused value is not in the stored bytes either. Every peer, the sender
included, receives that net change and converges on the repaired document; the sender has
nothing left to resend because the server holds (and has deleted) its items.

Edges whose node is gone are not repaired: a concurrent delete and connect make one in any
CRDT, and the projection leaves them out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from pycrdt import Array, Doc, Map, MapEvent, Text, get_update, merge_updates
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails, PydanticUndefined, to_jsonable_python

from apps.diagrams import theme as sop_theme
from apps.diagrams.schema import DiagramEdge, DiagramMeta, DiagramNode, ElementId

META = "meta"
NODES = "nodes"
EDGES = "edges"
FIELDS = "fields"
NODE_KEYS = ("kind", "stage", "label", "description", "x", "y", "w", "h")
EDGE_KEYS = ("source", "target", "kind", "label")
META_KEYS = ("title", "mode", "owner", "reviewBy", "description", "glossary", "modelVersions")
# Meta values that are JSON lists: a plain list or a Y.Array both project the same.
META_LISTS = ("glossary", "modelVersions")

# What XML 1.0 forbids in text (the schema strips the same when it validates).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FIELD_KEYS = frozenset(sop_theme.field_keys())
_ID = TypeAdapter(ElementId)
_REPAIR_ROUNDS = 25


class UndecodableUpdate(ValueError):
    """The bytes are not a Yjs update the Doc can apply."""


class _Absent:
    """No value (a key that did not exist before the update, or has no default)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass
class _Touch:
    """What one update changed in one element: the keys, with the values they had before."""

    added: bool = False
    keys: dict[str, Any] = field(default_factory=dict)
    # None: check every field (the map is new); otherwise the touched field keys.
    fields: dict[str, Any] | None = field(default_factory=dict)


@dataclass
class _Touched:
    meta: dict[str, Any] = field(default_factory=dict)
    nodes: dict[str, _Touch] = field(default_factory=dict)
    edges: dict[str, _Touch] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.meta or self.nodes or self.edges)


@dataclass(frozen=True)
class CheckedUpdate:
    """A client's update once applied: whether it integrated anything, what was repaired, and
    the bytes to store and send (the client's own update, or the net change with the repair)."""

    integrated: bool
    repairs: tuple[str, ...]
    update: bytes

    @property
    def repaired(self) -> bool:
        return bool(self.repairs)


def _old(change: dict[str, Any]) -> Any:
    return change.get("oldValue", ABSENT) if change.get("action") != "add" else ABSENT


def _collect(root: str, touched: _Touched, events: list[Any]) -> None:
    for event in events:
        if not isinstance(event, MapEvent):
            path = list(event.path)
            if root == META and path:
                touched.meta.setdefault(str(path[0]), ABSENT)
            elif path:
                touched_element = (touched.nodes if root == NODES else touched.edges).setdefault(
                    str(path[0]), _Touch()
                )
                if root == NODES and len(path) > 1 and path[1] == FIELDS:
                    touched_element.fields = None
                elif len(path) > 1:
                    touched_element.keys.setdefault(str(path[1]), ABSENT)
            continue
        # pycrdt sets a map event's path and keys at run time; its stubs do not name them.
        map_event: Any = event
        path = list(map_event.path)
        keys: dict[str, Any] = map_event.keys
        if root == META:
            if not path:
                for key, change in keys.items():
                    touched.meta.setdefault(key, _old(change))
            else:
                touched.meta.setdefault(str(path[0]), ABSENT)
            continue
        elements = touched.nodes if root == NODES else touched.edges
        if not path:
            for element_id in keys:
                # Added, replaced or deleted as a whole: nothing inside has a previous value.
                elements[element_id] = _Touch(added=True, fields=None)
            continue
        element = elements.setdefault(str(path[0]), _Touch())
        if element.added:
            continue
        if len(path) == 1:
            for key, change in keys.items():
                element.keys.setdefault(key, _old(change))
                if key == FIELDS:
                    element.fields = None
        elif root == NODES and path[1] == FIELDS and element.fields is not None:
            if len(path) == 2:
                for key, change in keys.items():
                    element.fields.setdefault(key, _old(change))
            else:
                element.fields.setdefault(str(path[2]), ABSENT)
        elif path[1] != FIELDS:
            element.keys.setdefault(str(path[1]), ABSENT)


def _plain(value: Any) -> Any:
    return value.to_py() if isinstance(value, Map | Array | Text) else value


def _faithful(raw: Any, valid: Any) -> bool:
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
        return isinstance(valid, str) and raw == valid and not _FORBIDDEN.search(raw)
    if isinstance(raw, list):
        return (
            isinstance(valid, list)
            and len(raw) == len(valid)
            and all(_faithful(item, out) for item, out in zip(raw, valid, strict=True))
        )
    if isinstance(raw, dict):
        return isinstance(valid, dict) and all(
            key in valid and _faithful(item, valid[key]) for key, item in raw.items()
        )
    return False


def _cleaned(value: Any) -> Any:
    """Strings without forbidden characters, non-finite numbers dropped from containers."""
    if isinstance(value, str):
        return _FORBIDDEN.sub("", value)
    if isinstance(value, float) and not math.isfinite(value):
        return ABSENT
    if isinstance(value, list):
        items = [_cleaned(item) for item in value]
        return [item for item in items if item is not ABSENT]
    if isinstance(value, dict):
        entries = {str(key): _cleaned(item) for key, item in value.items()}
        return {key: item for key, item in entries.items() if item is not ABSENT}
    return value


def _fix_at(value: Any, error: ErrorDetails) -> tuple[bool, Any]:
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


class _FieldChecker:
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
                if _faithful(raw, self.valid(name, raw)):
                    return raw
            except (ValidationError, RecursionError):
                pass
            candidate = self._clean(name, raw)
            if candidate is not ABSENT:
                return candidate
        for fallback in (previous, self.default(name)):
            if fallback is ABSENT:
                continue
            fallback = _plain(fallback)
            try:
                if _faithful(fallback, self.valid(name, fallback)):
                    return fallback
            except (ValidationError, RecursionError):
                continue
        return ABSENT

    def _clean(self, name: str, raw: Any) -> Any:
        value = _cleaned(raw)
        if value is ABSENT:
            return ABSENT
        for _ in range(_REPAIR_ROUNDS):
            try:
                valid = self.valid(name, value)
            except ValidationError as exc:
                fixed, value = _fix_at(value, exc.errors()[0])
                if not fixed:
                    return ABSENT
                continue
            except RecursionError:
                return ABSENT
            return value if _faithful(value, valid) else ABSENT
        return ABSENT


_META = _FieldChecker(DiagramMeta)
_NODE = _FieldChecker(DiagramNode)
_EDGE = _FieldChecker(DiagramEdge)
_FIELDS_TYPE = DiagramNode.model_fields[FIELDS].annotation
assert _FIELDS_TYPE is not None
_FIELD_VALUE: TypeAdapter[dict[str, Any]] = TypeAdapter(_FIELDS_TYPE)


def _valid_id(element_id: str) -> bool:
    try:
        return _ID.validate_python(element_id) == element_id
    except ValidationError:
        return False


def _field_value(key: str, raw: Any, previous: Any) -> Any:
    """A structured field's value the schema accepts, or ABSENT to remove the key."""
    if key not in _FIELD_KEYS:
        return ABSENT
    for candidate in (raw, _cleaned(raw) if isinstance(raw, str) else ABSENT, previous):
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
            if _faithful(candidate, valid):
                return candidate
            break
    return ABSENT


class _Repair:
    """The server's repair transaction, written as the checks find faults."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self.writes: list[Callable[[], None]] = []

    def set(self, where: str, target: Map, key: str, value: Any) -> None:
        self.notes.append(where)
        self.writes.append(lambda: target.__setitem__(key, value))

    def delete(self, where: str, target: Map, key: str) -> None:
        self.notes.append(where)
        self.writes.append(lambda: target.__delitem__(key))


def _scalar_keys(touch: _Touch, target: Map, keys: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    """(key, previous value) of the element's keys this update touched (all when it is new)."""
    if touch.added:
        for key in keys:
            yield key, ABSENT
        return
    for key, previous in touch.keys.items():
        if key in keys:
            yield key, previous


def _check_meta(meta: Map, touched: dict[str, Any], repair: _Repair) -> None:
    for key, previous in touched.items():
        if key not in META_KEYS or key not in meta:
            continue  # unknown keys are not projected; a removed key reads as its default
        raw = meta[key]
        if isinstance(raw, Map | Text) or (isinstance(raw, Array) and key not in META_LISTS):
            raw_value: Any = ABSENT
        else:
            raw_value = _plain(raw)
        keep = _META.repaired(key, raw_value, previous)
        if keep is ABSENT:
            repair.delete(f"meta.{key}", meta, key)
        elif keep is not raw_value:
            repair.set(f"meta.{key}", meta, key, keep)


def _check_element(
    where: str,
    element: Map,
    touch: _Touch,
    keys: tuple[str, ...],
    checker: _FieldChecker,
    repair: _Repair,
) -> bool:
    """Repair an element's touched keys; False when it cannot be kept at all."""
    fixes: list[tuple[str, Any]] = []
    for key, previous in _scalar_keys(touch, element, keys):
        present = key in element
        if not present and checker.default(key) is not ABSENT:
            continue  # an optional key left out reads as its default
        raw = element[key] if present else ABSENT
        raw_value = ABSENT if isinstance(raw, Map | Array | Text) else raw
        keep = checker.repaired(key, raw_value, previous)
        if keep is ABSENT:
            return False  # a required key with nothing valid to put there
        if keep is not raw_value:
            fixes.append((key, keep))
    for key, keep in fixes:
        repair.set(f"{where}.{key}", element, key, keep)
    return True


def _check_fields(where: str, node: Map, touch: _Touch, repair: _Repair) -> None:
    current = node[FIELDS] if FIELDS in node else ABSENT
    if not isinstance(current, Map):
        # The layout keeps structured fields in a Y.Map (the editor reads nothing else).
        source = current if isinstance(current, dict) else {}
        kept = {
            key: value
            for key, value in ((k, _field_value(k, v, ABSENT)) for k, v in source.items())
            if value is not ABSENT
        }
        repair.set(f"{where}.fields", node, FIELDS, Map(kept))
        return
    checked = (
        {key: ABSENT for key in current.keys()} if touch.fields is None else dict(touch.fields)
    )
    for key, previous in checked.items():
        if key not in current:
            continue
        raw = current[key]
        keep = _field_value(key, raw, previous)
        if keep is ABSENT:
            repair.delete(f"{where}.fields.{key}", current, key)
        elif keep is not raw:
            repair.set(f"{where}.fields.{key}", current, key, keep)


def _check_nodes(nodes: Map, edges: Map, touched: dict[str, _Touch], repair: _Repair) -> None:
    added: list[str] = []
    for node_id, touch in touched.items():
        if node_id not in nodes:
            continue
        node = nodes[node_id]
        where = f"nodes.{node_id}"
        if touch.added:
            added.append(node_id)
        if (
            not isinstance(node, Map)
            or (touch.added and (not _valid_id(node_id) or node_id in edges))
            or not _check_element(where, node, touch, NODE_KEYS, _NODE, repair)
        ):
            repair.delete(where, nodes, node_id)
            continue
        if touch.added or touch.fields is None or touch.fields:
            _check_fields(where, node, touch, repair)
    _check_count(nodes, added, settings.SOPSTUDIO_MAX_NODES, NODES, repair)


def _check_edges(nodes: Map, edges: Map, touched: dict[str, _Touch], repair: _Repair) -> None:
    added: list[str] = []
    for edge_id, touch in touched.items():
        if edge_id not in edges:
            continue
        edge = edges[edge_id]
        where = f"edges.{edge_id}"
        if touch.added:
            added.append(edge_id)
        if (
            not isinstance(edge, Map)
            or (touch.added and (not _valid_id(edge_id) or edge_id in nodes))
            or not _check_element(where, edge, touch, EDGE_KEYS, _EDGE, repair)
        ):
            repair.delete(where, edges, edge_id)
    _check_count(edges, added, settings.SOPSTUDIO_MAX_EDGES, EDGES, repair)


def _check_count(root: Map, added: list[str], limit: int, name: str, repair: _Repair) -> None:
    if not added:
        return
    excess = len(root) - limit
    if excess <= 0:
        return
    # Only what this update added goes; what was already there stays.
    for element_id in sorted(added)[-excess:]:
        if element_id in root:
            repair.delete(f"{name}.{element_id}", root, element_id)


class DocGuard:
    """Checks the updates applied through it to one Doc (a collaboration room's).

    It watches the Doc's roots for its whole life: subscribing per update would cost more than
    the check itself. Changes made past it (updates already stored elsewhere) are not checked.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.meta = doc.get(META, type=Map)
        self.nodes = doc.get(NODES, type=Map)
        self.edges = doc.get(EDGES, type=Map)
        self._touched: _Touched | None = None
        self._integrated = False
        self._subscriptions = [
            self.meta.observe_deep(lambda events: self._collect(META, events)),
            self.nodes.observe_deep(lambda events: self._collect(NODES, events)),
            self.edges.observe_deep(lambda events: self._collect(EDGES, events)),
        ]
        self._doc_subscription = doc.observe(self._on_transaction)

    def _collect(self, root: str, events: list[Any]) -> None:
        if self._touched is not None:
            _collect(root, self._touched, events)

    def _on_transaction(self, _event: Any) -> None:
        self._integrated = True

    def close(self) -> None:
        """Stop watching the Doc."""
        for root, subscription in zip(
            (self.meta, self.nodes, self.edges), self._subscriptions, strict=True
        ):
            root.unobserve(subscription)
        self.doc.unobserve(self._doc_subscription)

    def apply(self, update: bytes) -> CheckedUpdate:
        """Apply a client's update, then repair what it touched that the schema refuses.

        Raises UndecodableUpdate for bytes the Doc cannot apply.
        """
        doc = self.doc
        touched = self._touched = _Touched()
        self._integrated = False
        before = bytes(doc.get_state())
        try:
            doc.apply_update(update)
        except Exception as exc:
            raise UndecodableUpdate("not a Yjs update") from exc
        finally:
            self._touched = None
        if not touched:
            return CheckedUpdate(integrated=self._integrated, repairs=(), update=update)
        repair = _Repair()
        # One transaction for every read and write: each read outside one opens its own.
        with doc.transaction(origin="docguard"):
            _check_meta(self.meta, touched.meta, repair)
            _check_nodes(self.nodes, self.edges, touched.nodes, repair)
            _check_edges(self.nodes, self.edges, touched.edges, repair)
            for write in repair.writes:
                write()
        if not repair.writes:
            return CheckedUpdate(integrated=True, repairs=(), update=update)
        net = bytes(doc.get_update(before))
        # Yrs leaves out structs still waiting for one they depend on: keep those as sent.
        waiting = bytes(get_update(update, bytes(doc.get_state())))
        if _holds_structs(waiting):
            net = bytes(merge_updates(net, waiting))
        return CheckedUpdate(integrated=True, repairs=tuple(repair.notes), update=net)


def _holds_structs(update: bytes) -> bool:
    # An update starts with the number of clients it carries structs for.
    return bool(update) and update[0] != 0
