"""The `sop-diagram/1` document: its schema, canonical JSON and content hash, defined once.

Versions store it, the API returns and accepts it, the validator, renderer and assistant read
it. The OpenAPI schema publishes `SopDiagram` as a component.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, TypeVar

from django.conf import settings
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

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
# Characters XML 1.0 forbids (NUL and the other C0 controls, lone surrogates, U+FFFE/U+FFFF):
# they break every SVG and PDF made from the document, and PostgreSQL refuses NUL in text.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# The editor is JavaScript: integers past 2**53 would not survive a round trip through it, and
# the Yjs encoder refuses integers past 64 bits outright.
MAX_SAFE_INTEGER = 2**53 - 1
# meta.modelVersions: how many linked model versions, and how long one reference may be.
MODEL_VERSIONS_MAX = 100
MODEL_VERSION_MAX = 200

logger = logging.getLogger(__name__)


def text_clean(value: str) -> str:
    """The text without the characters XML forbids (and PostgreSQL refuses, for NUL)."""
    return XML_FORBIDDEN.sub("", value)


def _xml_safe(value: Any) -> Any:
    """Strip what XML forbids from every string in a value, however deeply it sits."""
    if isinstance(value, str):
        return text_clean(value)
    if isinstance(value, list):
        return [_xml_safe(item) for item in value]
    if isinstance(value, dict):
        return {key: _xml_safe(item) for key, item in value.items()}
    return value


def _whole(value: float) -> float:
    """Whole-number floats become ints, so 10 and 10.0 give the same canonical JSON."""
    if value.is_integer() and abs(value) <= MAX_SAFE_INTEGER:
        return int(value)
    return value


ElementId = Annotated[str, Field(min_length=1, max_length=_LIMITS["idMax"], pattern=ID_PATTERN)]
# Strict: a number, never a boolean or a numeric string quietly turned into one.
Coordinate = Annotated[
    float,
    Field(strict=True, ge=-_LIMITS["coordinateMax"], le=_LIMITS["coordinateMax"]),
    AfterValidator(_whole),
]
Size = Annotated[float, Field(strict=True, ge=1, le=5000), AfterValidator(_whole)]
FieldValue = (
    Annotated[str, Field(max_length=_LIMITS["fieldTextMax"])]
    | Annotated[int, Field(ge=-MAX_SAFE_INTEGER, le=MAX_SAFE_INTEGER)]
    | Annotated[float, AfterValidator(_whole)]
    | bool
)


# The JSON dump of a `SopDiagram` (`SopDiagram.as_json()`): what versions store, the API
# returns and the renderers read. Only ever made from a validated model.
SopDiagramJson = dict[str, Any]


class _Strict(BaseModel):
    # Non-finite numbers are refused everywhere: JSON cannot carry them, PostgreSQL's JSONB
    # refuses them, and a document holding one could be neither read nor exported.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _text_is_xml_safe(cls, value: Any) -> Any:
        return _xml_safe(value)


class GlossaryEntry(_Strict):
    term: str = Field(min_length=1, max_length=80)
    definition: str = Field(default="", max_length=1000)

    @model_validator(mode="after")
    def _term_left(self) -> GlossaryEntry:
        # Checked again after the cleaning: a term of nothing but control characters is empty.
        if not self.term:
            raise ValueError("term: a glossary term cannot be empty")
        return self


class DiagramMeta(_Strict):
    title: str = Field(default="Untitled SOP", max_length=_LIMITS["titleMax"])
    mode: str = Field(default="realtime", json_schema_extra={"enum": list(MODES)})
    owner: str = Field(default="", max_length=120)
    reviewBy: str = Field(default="", description="ISO date (YYYY-MM-DD) or empty")
    description: str = Field(default="", max_length=_LIMITS["descriptionMax"])
    glossary: list[GlossaryEntry] = Field(default_factory=list, max_length=_LIMITS["glossaryMax"])
    modelVersions: list[Annotated[str, Field(max_length=MODEL_VERSION_MAX)]] = Field(
        default_factory=list, max_length=MODEL_VERSIONS_MAX
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


class DiagramNode(_Strict):
    id: ElementId
    kind: str = Field(json_schema_extra={"enum": list(_NODE_KINDS)})
    stage: str = Field(json_schema_extra={"enum": list(_STAGES)})
    label: str = Field(default="", max_length=_LIMITS["labelMax"])
    description: str = Field(default="", max_length=_LIMITS["descriptionMax"])
    x: Coordinate = 0
    y: Coordinate = 0
    w: Size = 200
    h: Size = 72
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
        return value


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


class SopDiagram(_Strict):
    """A whole SOP diagram as JSON (`sop-diagram/1`), normalised: elements ordered by id and
    whole-number floats as ints, so equal documents dump to equal JSON.

    The four top-level keys are required: a write that leaves one out (an empty body, `{}`)
    is refused instead of emptying the diagram. Inside them the optional keys have defaults.
    """

    schema_: str = Field(alias="schema", json_schema_extra={"enum": [SCHEMA_ID]})
    meta: DiagramMeta
    nodes: list[DiagramNode]
    edges: list[DiagramEdge]

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, title="SopDiagram", allow_inf_nan=False
    )

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
        self.nodes.sort(key=lambda node: node.id)
        self.edges.sort(key=lambda edge: edge.id)
        return self

    def as_json(self) -> SopDiagramJson:
        """The JSON projection (what the API returns and a version stores); a fresh dict."""
        return self.model_dump(by_alias=True)


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text.replace("schema_", "schema")


def _message(error: Any) -> str:
    if error["type"] == "missing":
        return "this field is required"
    return str(error["msg"]).removeprefix("Value error, ")


def content_parse(raw: Any) -> SopDiagram:
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
        return SopDiagram.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        message = _message(error)
        field = _location(tuple(error["loc"]))
        if (
            not field
            and ": " in message
            and message.split(": ", 1)[0].startswith(("nodes", "edges"))
        ):
            field, message = message.split(": ", 1)
        raise ValidationFailed(f"{field}: {message}" if field else message, field=field) from exc
    except RecursionError:
        raise ValidationFailed("The content is nested too deeply.", field="") from None


def title_parse(title: str) -> str:
    """A title as the schema stores it (cleaned, length-checked), or a 400 naming `title`."""
    try:
        return DiagramMeta.model_validate({"title": title}).title
    except ValidationError as exc:
        raise ValidationFailed(f"title: {_message(exc.errors()[0])}", field="title") from exc


M = TypeVar("M", bound=BaseModel)


def _salvage_part(model: type[M], raw: Any, required: frozenset[str]) -> M | None:
    """The part with every key the schema refuses left out; None when a required one is bad."""
    if not isinstance(raw, dict):
        return None
    data = dict(raw)
    while True:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            bad = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
            if not bad or bad & required or not bad & set(data):
                return None
            for key in bad:
                data.pop(key, None)


def _salvage(raw: dict[str, Any]) -> SopDiagram:
    meta = _salvage_part(DiagramMeta, raw.get("meta"), frozenset()) or DiagramMeta()
    nodes: dict[str, DiagramNode] = {}
    for item in raw.get("nodes") or []:
        node = _salvage_part(DiagramNode, item, frozenset({"id", "kind", "stage"}))
        if node is not None and node.id not in nodes:
            nodes[node.id] = node
    edges: dict[str, DiagramEdge] = {}
    for item in raw.get("edges") or []:
        edge = _salvage_part(DiagramEdge, item, frozenset({"id", "source", "target"}))
        if (
            edge is not None
            and edge.id not in edges
            and edge.id not in nodes
            and edge.source in nodes
            and edge.target in nodes
        ):
            edges[edge.id] = edge
    kept_nodes = sorted(nodes)[: settings.SOPSTUDIO_MAX_NODES]
    kept_edges = [
        edge_id
        for edge_id in sorted(edges)
        if edges[edge_id].source in kept_nodes and edges[edge_id].target in kept_nodes
    ][: settings.SOPSTUDIO_MAX_EDGES]
    return SopDiagram.model_validate(
        {
            "schema": SCHEMA_ID,
            "meta": meta.model_dump(),
            "nodes": [nodes[node_id].model_dump() for node_id in kept_nodes],
            "edges": [edges[edge_id].model_dump() for edge_id in kept_edges],
        }
    )


def content_read(raw: Any) -> SopDiagram:
    """Stored content (a live document's projection, a version's JSON) as the schema reads it.

    Valid content comes back as is. What the schema refuses, which only content stored before
    it refused it can hold, is left out key by key (an element missing its id, kind, stage or
    ends entirely), so reading, versioning, diffing and exporting never fail on it.
    """
    if isinstance(raw, dict):
        try:
            return SopDiagram.model_validate(raw)
        except (ValidationError, RecursionError):
            pass
    logger.warning("stored content the schema refuses; reading what it accepts")
    return _salvage(raw if isinstance(raw, dict) else {})


def _normalise_value(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) <= MAX_SAFE_INTEGER:
        return int(value)
    if isinstance(value, dict):
        return {str(k): _normalise_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise_value(v) for v in value]
    return value


def canonical_json(content: SopDiagram | Mapping[str, Any]) -> str:
    """Sorted keys, no insignificant whitespace, UTF-8: the bytes a content hash is taken of.

    A model is already normalised; plain JSON (a stored version, a response body) is
    normalised the same way first, so both give the same bytes.
    """
    if isinstance(content, SopDiagram):
        data: Any = content.as_json()
    else:
        data = _normalise_value(dict(content))
        data["nodes"] = sorted(data.get("nodes", []), key=lambda node: str(node.get("id")))
        data["edges"] = sorted(data.get("edges", []), key=lambda edge: str(edge.get("id")))
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(content: SopDiagram | Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def empty_content(title: str = "Untitled SOP") -> SopDiagram:
    return content_parse({"schema": SCHEMA_ID, "meta": {"title": title}, "nodes": [], "edges": []})


def sop_diagram_json_schema() -> dict[str, Any]:
    return SopDiagram.model_json_schema(by_alias=True)
