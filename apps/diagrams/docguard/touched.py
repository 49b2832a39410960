"""What one Yjs update touched in a diagram's Doc, read from the Doc's deep events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pycrdt import MapEvent

from apps.diagrams.ydoc import FIELDS, META, NODES


class _Absent:
    """No value (a key that did not exist before the update, or has no default)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass
class Touch:
    """What one update changed in one element: the keys, with the values they had before."""

    added: bool = False
    keys: dict[str, Any] = field(default_factory=dict)
    # None: check every field (the map is new); otherwise the touched field keys.
    fields: dict[str, Any] | None = field(default_factory=dict)


@dataclass
class Touched:
    meta: dict[str, Any] = field(default_factory=dict)
    nodes: dict[str, Touch] = field(default_factory=dict)
    edges: dict[str, Touch] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.meta or self.nodes or self.edges)


def _old(change: dict[str, Any]) -> Any:
    return change.get("oldValue", ABSENT) if change.get("action") != "add" else ABSENT


def collect_events(root: str, touched: Touched, events: list[Any]) -> None:
    for event in events:
        if not isinstance(event, MapEvent):
            path = list(event.path)
            if root == META and path:
                touched.meta.setdefault(str(path[0]), ABSENT)
            elif path:
                touched_element = (touched.nodes if root == NODES else touched.edges).setdefault(
                    str(path[0]), Touch()
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
                elements[element_id] = Touch(added=True, fields=None)
            continue
        element = elements.setdefault(str(path[0]), Touch())
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
