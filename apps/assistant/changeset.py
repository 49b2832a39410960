"""Change sets: typed operations on a document's ids, checked whole and applied as a pure function.

A lint fix, and later an AI edit, is a list of operations (`add_node`, `update_node`,
`remove_node`, `add_edge`, `update_edge`, `remove_edge`, `set_field`, `set_meta`). Applying one
never mutates its input: it returns a new `SopDiagram`, or refuses the whole change set naming
the first operation at fault (an unknown id, an id already taken, a value the schema refuses),
so a change set is applied entirely or not at all. Nothing the change set does not name changes:
removing a node does not silently remove its edges; the change set must remove them too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from apps.common.errors import ValidationFailed
from apps.diagrams import theme as sop_theme
from apps.diagrams.schema import (
    DiagramEdge,
    DiagramMeta,
    DiagramNode,
    ElementId,
    FieldValue,
    SopDiagram,
    content_parse,
)

NodeKey = Literal["kind", "stage", "label", "description", "x", "y", "w", "h", "fields"]
EdgeKey = Literal["source", "target", "kind", "label"]
MetaKey = Literal["title", "mode", "owner", "reviewBy", "description", "glossary", "modelVersions"]
_FIELD_KEYS = frozenset(sop_theme.field_keys())


class _Operation(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class AddNode(_Operation):
    """Add a node under a new id."""

    op: Literal["add_node"] = "add_node"
    node: DiagramNode


class UpdateNode(_Operation):
    """Set some of a node's keys (`fields` replaces the whole map; see `set_field`)."""

    op: Literal["update_node"] = "update_node"
    id: ElementId
    set: dict[NodeKey, Any] = Field(min_length=1)


class RemoveNode(_Operation):
    """Remove a node; its edges must be removed by the same change set."""

    op: Literal["remove_node"] = "remove_node"
    id: ElementId


class AddEdge(_Operation):
    """Add an edge under a new id between nodes that exist at that point."""

    op: Literal["add_edge"] = "add_edge"
    edge: DiagramEdge


class UpdateEdge(_Operation):
    """Set some of an edge's keys."""

    op: Literal["update_edge"] = "update_edge"
    id: ElementId
    set: dict[EdgeKey, Any] = Field(min_length=1)


class RemoveEdge(_Operation):
    op: Literal["remove_edge"] = "remove_edge"
    id: ElementId


class SetField(_Operation):
    """Set one structured field of a node, or clear it with `value: null`."""

    op: Literal["set_field"] = "set_field"
    id: ElementId
    key: str
    value: FieldValue | None

    @field_validator("key")
    @classmethod
    def _key_known(cls, value: str) -> str:
        if value not in _FIELD_KEYS:
            raise ValueError(f"unknown structured field {value!r}")
        return value


class SetMeta(_Operation):
    """Set one document fact (title, mode, owner, reviewBy, glossary, ...)."""

    op: Literal["set_meta"] = "set_meta"
    key: MetaKey
    value: Any


Operation = Annotated[
    AddNode | UpdateNode | RemoveNode | AddEdge | UpdateEdge | RemoveEdge | SetField | SetMeta,
    Field(discriminator="op"),
]
ChangeSet = list[Operation]
_CHANGESET_ADAPTER: TypeAdapter[list[Operation]] = TypeAdapter(list[Operation])


def _location(prefix: str, loc: Iterable[int | str]) -> str:
    text = prefix
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _refuse_invalid(prefix: str, exc: ValidationError, *, drop: int = 0) -> ValidationFailed:
    error = exc.errors()[0]
    loc = tuple(error["loc"])[drop:]
    # A discriminated union names the variant in the location; the reader wants the key.
    loc = tuple(part for part in loc if part not in _VARIANT_TAGS and part != "[key]")
    field = _location(prefix, loc)
    message = "this field is required" if error["type"] == "missing" else error["msg"]
    message = str(message).removeprefix("Value error, ")
    return ValidationFailed(f"{field}: {message}", field=field)


_VARIANT_TAGS = frozenset(
    {"add_node", "update_node", "remove_node", "add_edge", "update_edge", "remove_edge"}
    | {"set_field", "set_meta"}
)


def changeset_parse(raw: Any, *, field: str = "changes") -> ChangeSet:
    """Typed operations from JSON, or a 400 naming the first bad one (`changes[2].id`)."""
    if not isinstance(raw, list):
        raise ValidationFailed(f"{field} must be a list of operations.", field=field)
    try:
        return _CHANGESET_ADAPTER.validate_python(raw)
    except ValidationError as exc:
        raise _refuse_invalid(field, exc) from None


def changeset_json(changes: Sequence[Operation]) -> list[dict[str, Any]]:
    """The JSON form of a change set (what a fix or an AI edit carries in a response)."""
    return [operation.model_dump(mode="json", by_alias=True) for operation in changes]


def changeset_touched_ids(changes: Sequence[Operation]) -> set[str]:
    """Every element id the change set names: nothing else may differ after it is applied."""
    touched: set[str] = set()
    for operation in changes:
        if isinstance(operation, AddNode):
            touched.add(operation.node.id)
        elif isinstance(operation, AddEdge):
            touched.add(operation.edge.id)
        elif not isinstance(operation, SetMeta):
            touched.add(operation.id)
    return touched


class _Working:
    """The document as plain dicts while a change set is applied to it."""

    def __init__(self, document: SopDiagram) -> None:
        data = document.as_json()
        self.meta: dict[str, Any] = data["meta"]
        self.nodes: dict[str, dict[str, Any]] = {node["id"]: node for node in data["nodes"]}
        self.edges: dict[str, dict[str, Any]] = {edge["id"]: edge for edge in data["edges"]}
        self.removed_by: dict[str, int] = {}

    def id_taken(self, element_id: str) -> bool:
        return element_id in self.nodes or element_id in self.edges

    def node(self, index: int, element_id: str) -> dict[str, Any]:
        node = self.nodes.get(element_id)
        if node is None:
            raise ValidationFailed(
                f"changes[{index}].id: no node has id {element_id!r}; the change set is refused.",
                field=f"changes[{index}].id",
            )
        return node

    def edge(self, index: int, element_id: str) -> dict[str, Any]:
        edge = self.edges.get(element_id)
        if edge is None:
            raise ValidationFailed(
                f"changes[{index}].id: no edge has id {element_id!r}; the change set is refused.",
                field=f"changes[{index}].id",
            )
        return edge

    def check_ends(self, index: int, edge: dict[str, Any], prefix: str) -> None:
        for end in ("source", "target"):
            if edge[end] not in self.nodes:
                raise ValidationFailed(
                    f"changes[{index}].{prefix}{end}: no node has id {edge[end]!r}; "
                    "the change set is refused.",
                    field=f"changes[{index}].{prefix}{end}",
                )


def _checked_node(index: int, data: dict[str, Any], prefix: str) -> dict[str, Any]:
    try:
        return DiagramNode.model_validate(data).model_dump()
    except ValidationError as exc:
        raise _refuse_invalid(f"changes[{index}].{prefix}", exc) from None


def _checked_edge(index: int, data: dict[str, Any], prefix: str) -> dict[str, Any]:
    try:
        return DiagramEdge.model_validate(data).model_dump()
    except ValidationError as exc:
        raise _refuse_invalid(f"changes[{index}].{prefix}", exc) from None


def _apply_one(work: _Working, index: int, operation: Operation) -> None:
    if isinstance(operation, AddNode):
        if work.id_taken(operation.node.id):
            raise ValidationFailed(
                f"changes[{index}].node.id: id {operation.node.id!r} is already taken.",
                field=f"changes[{index}].node.id",
            )
        work.nodes[operation.node.id] = operation.node.model_dump()
    elif isinstance(operation, UpdateNode):
        node = work.node(index, operation.id)
        work.nodes[operation.id] = _checked_node(index, node | dict(operation.set), "set")
    elif isinstance(operation, RemoveNode):
        work.node(index, operation.id)
        del work.nodes[operation.id]
        work.removed_by[operation.id] = index
    elif isinstance(operation, SetField):
        node = work.node(index, operation.id)
        fields = dict(node["fields"])
        if operation.value is None:
            fields.pop(operation.key, None)
        else:
            fields[operation.key] = operation.value
        work.nodes[operation.id] = _checked_node(index, {**node, "fields": fields}, "value")
    elif isinstance(operation, AddEdge):
        if work.id_taken(operation.edge.id):
            raise ValidationFailed(
                f"changes[{index}].edge.id: id {operation.edge.id!r} is already taken.",
                field=f"changes[{index}].edge.id",
            )
        edge = operation.edge.model_dump()
        work.check_ends(index, edge, "edge.")
        work.edges[operation.edge.id] = edge
    elif isinstance(operation, UpdateEdge):
        edge = _checked_edge(index, work.edge(index, operation.id) | dict(operation.set), "set")
        work.check_ends(index, edge, "set.")
        work.edges[operation.id] = edge
    elif isinstance(operation, RemoveEdge):
        work.edge(index, operation.id)
        del work.edges[operation.id]
    elif isinstance(operation, SetMeta):
        try:
            work.meta = DiagramMeta.model_validate(
                {**work.meta, operation.key: operation.value}
            ).model_dump()
        except ValidationError as exc:
            raise _refuse_invalid(f"changes[{index}].value", exc, drop=1) from None


def changeset_apply(document: SopDiagram, changes: Sequence[Operation]) -> SopDiagram:
    """A new document with the change set applied; the input is left as it was.

    Refuses the whole change set (ValidationFailed naming `changes[i]...`) when an operation
    names an unknown id, takes an id in use, sets a value the schema refuses, or removes a node
    whose edges it leaves behind.
    """
    work = _Working(document)
    for index, operation in enumerate(changes):
        _apply_one(work, index, operation)
    for edge in work.edges.values():
        for end in ("source", "target"):
            if edge[end] in work.removed_by:
                index = work.removed_by[edge[end]]
                raise ValidationFailed(
                    f"changes[{index}].id: removing node {edge[end]!r} would leave edge "
                    f"{edge['id']!r} attached; remove the edge in the same change set.",
                    field=f"changes[{index}].id",
                )
    return content_parse(
        {
            "schema": document.schema_,
            "meta": work.meta,
            "nodes": list(work.nodes.values()),
            "edges": list(work.edges.values()),
        }
    )
