"""The guard itself: apply a client's update, then repair what it touched in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from pycrdt import Array, Doc, Map, Text, get_update, merge_updates

from apps.diagrams.docguard.touched import ABSENT, Touch, Touched, collect_events
from apps.diagrams.docguard.values import (
    EDGE_CHECKER,
    META_CHECKER,
    NODE_CHECKER,
    FieldChecker,
    field_value,
    plain,
    valid_id,
)
from apps.diagrams.ydoc import EDGE_KEYS, EDGES, FIELDS, META, META_KEYS, NODE_KEYS, NODES

# Meta values that are JSON lists: a plain list or a Y.Array both project the same.
META_LISTS = ("glossary", "modelVersions")


class UndecodableUpdate(ValueError):
    """The bytes are not a Yjs update the Doc can apply."""


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


def _scalar_keys(touch: Touch, target: Map, keys: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
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
            raw_value = plain(raw)
        keep = META_CHECKER.repaired(key, raw_value, previous)
        if keep is ABSENT:
            repair.delete(f"meta.{key}", meta, key)
        elif keep is not raw_value:
            repair.set(f"meta.{key}", meta, key, keep)


def _check_element(
    where: str,
    element: Map,
    touch: Touch,
    keys: tuple[str, ...],
    checker: FieldChecker,
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


def _check_fields(where: str, node: Map, touch: Touch, repair: _Repair) -> None:
    current = node[FIELDS] if FIELDS in node else ABSENT
    if not isinstance(current, Map):
        # The layout keeps structured fields in a Y.Map (the editor reads nothing else).
        source = current if isinstance(current, dict) else {}
        kept = {
            key: value
            for key, value in ((k, field_value(k, v, ABSENT)) for k, v in source.items())
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
        keep = field_value(key, raw, previous)
        if keep is ABSENT:
            repair.delete(f"{where}.fields.{key}", current, key)
        elif keep is not raw:
            repair.set(f"{where}.fields.{key}", current, key, keep)


def _check_elements(
    root: Map,
    other: Map,
    touched: dict[str, Touch],
    repair: _Repair,
    *,
    name: str,
    keys: tuple[str, ...],
    checker: FieldChecker,
    limit: int,
) -> None:
    """Repair the touched nodes (or edges) of `root`; `other` is the root sharing its ids."""
    added: list[str] = []
    for element_id, touch in touched.items():
        if element_id not in root:
            continue
        element = root[element_id]
        where = f"{name}.{element_id}"
        if touch.added:
            added.append(element_id)
        if (
            not isinstance(element, Map)
            or (touch.added and (not valid_id(element_id) or element_id in other))
            or not _check_element(where, element, touch, keys, checker, repair)
        ):
            repair.delete(where, root, element_id)
            continue
        if name == NODES and (touch.added or touch.fields is None or touch.fields):
            _check_fields(where, element, touch, repair)
    _check_count(root, added, limit, name, repair)


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
        self._touched: Touched | None = None
        self._integrated = False
        self._subscriptions = [
            self.meta.observe_deep(lambda events: self._collect(META, events)),
            self.nodes.observe_deep(lambda events: self._collect(NODES, events)),
            self.edges.observe_deep(lambda events: self._collect(EDGES, events)),
        ]
        self._doc_subscription = doc.observe(self._on_transaction)

    def _collect(self, root: str, events: list[Any]) -> None:
        if self._touched is not None:
            collect_events(root, self._touched, events)

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
        touched = self._touched = Touched()
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
            _check_elements(
                self.nodes,
                self.edges,
                touched.nodes,
                repair,
                name=NODES,
                keys=NODE_KEYS,
                checker=NODE_CHECKER,
                limit=settings.SOPSTUDIO_MAX_NODES,
            )
            _check_elements(
                self.edges,
                self.nodes,
                touched.edges,
                repair,
                name=EDGES,
                keys=EDGE_KEYS,
                checker=EDGE_CHECKER,
                limit=settings.SOPSTUDIO_MAX_EDGES,
            )
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
