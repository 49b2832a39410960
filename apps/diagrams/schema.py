"""The `sop-diagram/1` document: its schema, canonical JSON and content hash, defined once.

Versions store it, the API returns and accepts it, the validator, renderer and assistant read
it. The OpenAPI schema publishes `SopDiagram` as a component.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import Annotated, Any

from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from apps.common.errors import ValidationFailed
from apps.diagrams import theme as sop_theme

SCHEMA_ID = "sop-diagram/1"
MODES = ("realtime", "streaming", "batch")
_LIMITS = sop_theme.limits()
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"
_STAGES = sop_theme.stage_ids()
_NODE_KINDS = sop_theme.node_kind_ids()
_EDGE_KINDS = sop_theme.edge_kind_ids()
_FIELD_KEYS = frozenset(sop_theme.field_keys())
# Characters XML 1.0 forbids; they would break every SVG and PDF made from the document.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

ElementId = Annotated[str, Field(min_length=1, max_length=_LIMITS["idMax"], pattern=ID_PATTERN)]
Coordinate = Annotated[float, Field(ge=-_LIMITS["coordinateMax"], le=_LIMITS["coordinateMax"])]
FieldValue = Annotated[str, Field(max_length=_LIMITS["fieldTextMax"])] | float | int | bool


def _clean_text(value: str) -> str:
    return _XML_FORBIDDEN.sub("", value)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class GlossaryEntry(_Strict):
    term: str = Field(min_length=1, max_length=80)
    definition: str = Field(default="", max_length=1000)


class DiagramMeta(_Strict):
    title: str = Field(default="Untitled SOP", max_length=_LIMITS["titleMax"])
    mode: str = Field(default="realtime", json_schema_extra={"enum": list(MODES)})
    owner: str = Field(default="", max_length=120)
    reviewBy: str = Field(default="", description="ISO date (YYYY-MM-DD) or empty")
    description: str = Field(default="", max_length=_LIMITS["descriptionMax"])
    glossary: list[GlossaryEntry] = Field(default_factory=list, max_length=_LIMITS["glossaryMax"])
    modelVersions: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, max_length=100
    )

    @field_validator("mode")
    @classmethod
    def _mode_known(cls, value: str) -> str:
        if value not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        return value

    @field_validator("reviewBy")
    @classmethod
    def _review_by_is_date(cls, value: str) -> str:
        if value:
            try:
                date.fromisoformat(value)
            except ValueError as exc:
                raise ValueError("reviewBy must be a date like 2027-01-31") from exc
        return value

    @field_validator("title", "owner", "description")
    @classmethod
    def _text(cls, value: str) -> str:
        return _clean_text(value)


class DiagramNode(_Strict):
    id: ElementId
    kind: str = Field(json_schema_extra={"enum": list(_NODE_KINDS)})
    stage: str = Field(json_schema_extra={"enum": list(_STAGES)})
    label: str = Field(default="", max_length=_LIMITS["labelMax"])
    description: str = Field(default="", max_length=_LIMITS["descriptionMax"])
    x: Coordinate = 0
    y: Coordinate = 0
    w: Annotated[float, Field(ge=1, le=5000)] = 200
    h: Annotated[float, Field(ge=1, le=5000)] = 72
    fields: dict[str, FieldValue] = Field(default_factory=dict)

    @field_validator("kind")
    @classmethod
    def _kind_known(cls, value: str) -> str:
        if value not in _NODE_KINDS:
            raise ValueError(
                f"unknown node kind {value!r}; expected one of {', '.join(_NODE_KINDS)}"
            )
        return value

    @field_validator("stage")
    @classmethod
    def _stage_known(cls, value: str) -> str:
        if value not in _STAGES:
            raise ValueError(f"unknown stage {value!r}; expected one of {', '.join(_STAGES)}")
        return value

    @field_validator("fields")
    @classmethod
    def _fields_known(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(value) - _FIELD_KEYS)
        if unknown:
            raise ValueError(f"unknown structured field {unknown[0]!r}")
        return {k: _clean_text(v) if isinstance(v, str) else v for k, v in value.items()}

    @field_validator("label", "description")
    @classmethod
    def _text(cls, value: str) -> str:
        return _clean_text(value)


class DiagramEdge(_Strict):
    id: ElementId
    source: ElementId
    target: ElementId
    kind: str = Field(default="flow", json_schema_extra={"enum": list(_EDGE_KINDS)})
    label: str = Field(default="", max_length=_LIMITS["edgeLabelMax"])

    @field_validator("kind")
    @classmethod
    def _kind_known(cls, value: str) -> str:
        if value not in _EDGE_KINDS:
            raise ValueError(
                f"unknown edge kind {value!r}; expected one of {', '.join(_EDGE_KINDS)}"
            )
        return value

    @field_validator("label")
    @classmethod
    def _text(cls, value: str) -> str:
        return _clean_text(value)


class SopDiagram(_Strict):
    """A whole SOP diagram as JSON (`sop-diagram/1`)."""

    schema_: str = Field(default=SCHEMA_ID, alias="schema", json_schema_extra={"enum": [SCHEMA_ID]})
    meta: DiagramMeta = Field(default_factory=DiagramMeta)
    nodes: list[DiagramNode] = Field(default_factory=list)
    edges: list[DiagramEdge] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True, title="SopDiagram")

    @field_validator("schema_")
    @classmethod
    def _schema_id(cls, value: str) -> str:
        if value != SCHEMA_ID:
            raise ValueError(f"schema must be {SCHEMA_ID!r}")
        return value

    @model_validator(mode="after")
    def _graph_is_consistent(self) -> SopDiagram:
        max_nodes, max_edges = settings.SOPSTUDIO_MAX_NODES, settings.SOPSTUDIO_MAX_EDGES
        if len(self.nodes) > max_nodes:
            raise ValueError(f"nodes: a diagram holds at most {max_nodes} nodes")
        if len(self.edges) > max_edges:
            raise ValueError(f"edges: a diagram holds at most {max_edges} edges")
        node_ids: set[str] = set()
        for index, node in enumerate(self.nodes):
            if node.id in node_ids:
                raise ValueError(f"nodes[{index}].id: duplicate node id {node.id!r}")
            node_ids.add(node.id)
        edge_ids: set[str] = set()
        for index, edge in enumerate(self.edges):
            if edge.id in edge_ids or edge.id in node_ids:
                raise ValueError(f"edges[{index}].id: duplicate id {edge.id!r}")
            edge_ids.add(edge.id)
            for end in ("source", "target"):
                if getattr(edge, end) not in node_ids:
                    raise ValueError(f"edges[{index}].{end}: no node has id {getattr(edge, end)!r}")
        return self


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text.replace("schema_", "schema")


def content_parse(raw: Any) -> dict[str, Any]:
    """Validate raw JSON against `sop-diagram/1`; return it normalised, or raise naming the field."""
    if not isinstance(raw, dict):
        raise ValidationFailed("The content must be a JSON object.", field="")
    nodes = raw.get("nodes")
    # Refuse a huge node list before validating every element of it.
    if isinstance(nodes, list) and len(nodes) > settings.SOPSTUDIO_MAX_NODES:
        raise ValidationFailed(
            f"nodes: a diagram holds at most {settings.SOPSTUDIO_MAX_NODES} nodes", field="nodes"
        )
    try:
        model = SopDiagram.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        message = str(error["msg"]).removeprefix("Value error, ")
        field = _location(tuple(error["loc"]))
        if (
            not field
            and ": " in message
            and message.split(": ", 1)[0].startswith(("nodes", "edges"))
        ):
            field, message = message.split(": ", 1)
        raise ValidationFailed(f"{field}: {message}" if field else message, field=field) from exc
    return content_normalise(model.model_dump(by_alias=True))


def _normalise_value(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dict):
        return {str(k): _normalise_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise_value(v) for v in value]
    return value


def content_normalise(content: dict[str, Any]) -> dict[str, Any]:
    """Whole-number floats become ints and elements are ordered by id, so equal documents
    have equal canonical JSON whichever client wrote them."""
    normal: dict[str, Any] = _normalise_value(content)
    normal["nodes"] = sorted(normal.get("nodes", []), key=lambda node: str(node.get("id")))
    normal["edges"] = sorted(normal.get("edges", []), key=lambda edge: str(edge.get("id")))
    return normal


def canonical_json(content: dict[str, Any]) -> str:
    """Sorted keys, no insignificant whitespace, UTF-8: the bytes a content hash is taken of."""
    return json.dumps(
        content_normalise(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def empty_content(title: str = "Untitled SOP") -> dict[str, Any]:
    return content_parse({"schema": SCHEMA_ID, "meta": {"title": title}, "nodes": [], "edges": []})


def sop_diagram_json_schema() -> dict[str, Any]:
    return SopDiagram.model_json_schema(by_alias=True)
