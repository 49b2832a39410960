"""A parser for the common Mermaid flowchart subset: statements, shapes, links, subgraphs."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from apps.diagrams import theme as sop_theme
from apps.exports.interchange.errors import ImportRejected
from apps.exports.render.text import one_line

MAX_MERMAID_CHARS = 512 * 1024
MAX_STATEMENTS = 20_000

# Mermaid shape delimiters, longest first so `((` is not read as `(`.
_SHAPES: list[tuple[str, str, str]] = [
    ("(((", ")))", "end"),
    ("((", "))", "end"),
    ("([", "])", "start"),
    ("[(", ")]", "datastore"),
    ("[[", "]]", "process"),
    ("{{", "}}", "alert"),
    ("[/", "/]", "external"),
    ("[\\", "\\]", "external"),
    ("[/", "\\]", "process"),
    ("[\\", "/]", "process"),
    ("[", "]", "process"),
    ("(", ")", "process"),
    ("{", "}", "decision"),
    (">", "]", "note"),
]
_ID = re.compile(r"[A-Za-z0-9_\u00c0-\uffff]+(?:[.\-][A-Za-z0-9_\u00c0-\uffff]+)*")
# A circle or cross end (`--o`, `--x`) only when no id follows: `A --oB` is not a link end.
_END = r"(?:-{2,}[ox]|={2,}[ox]|-\.+-[ox])(?![A-Za-z0-9_])"
_LINK = re.compile(
    r"(?P<head>[<ox])?(?P<body>" + _END + r"|-{2,}>|-{3,}|-\.+->|-\.+-|={2,}>|={3,}|~{3,})"
)
_LINK_WITH_TEXT = re.compile(
    r"(?P<head><)?(?P<open>--|==|-\.)(?![->.=])\s*(?P<text>\"[^\"]*\"|[^\"\n]*?)\s*"
    r"(?P<close>" + _END + r"|-{2,}>|-{3,}|\.-+>|\.-+|={2,}>|={3,})"
)
_HEADER = re.compile(r"^(flowchart|graph)(?:\s+(TB|TD|BT|RL|LR))?\s*;?\s*$", re.IGNORECASE)
_IGNORED = re.compile(
    r"^(classDef|class|style|linkStyle|click|direction|accTitle|accDescr)\b", re.IGNORECASE
)
_ENTITY = re.compile(r"#(\d+|[a-z]+);")
_NAMED = {"quot": '"', "amp": "&", "lt": "<", "gt": ">", "nbsp": " ", "apos": "'"}
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_STAGE_SYNONYMS = {
    "trigger": "trigger",
    "triggers": "trigger",
    "start": "trigger",
    "input": "input",
    "inputs": "input",
    "features": "input",
    "preprocessing": "input",
    "model": "model",
    "models": "model",
    "inference": "inference",
    "serving": "inference",
    "scoring": "inference",
    "postprocess": "postprocess",
    "postprocessing": "postprocess",
    "delivery": "delivery",
    "output": "delivery",
    "outputs": "delivery",
    "monitoring": "monitoring",
    "monitor": "monitoring",
    "alerting": "monitoring",
    "observability": "monitoring",
}


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _stage_lookup() -> dict[str, str]:
    lookup = dict(_STAGE_SYNONYMS)
    for stage in sop_theme.theme()["stages"]:
        stage_id = str(stage["id"])
        lookup[_normal(stage_id)] = stage_id
        lookup[_normal(str(stage["name"]))] = stage_id
        lookup["stage" + _normal(stage_id)] = stage_id
    return lookup


def _decode(text: str) -> str:
    def entity(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.isdigit():
            code = int(name)
            return chr(code) if 0 < code < 0x110000 else ""
        return _NAMED.get(name, match.group(0))

    text = _BR.sub(" ", text)
    if len(text) >= 2 and text[0] == "`" and text[-1] == "`":
        text = text[1:-1]  # a Markdown string: keep its words
    return one_line(_ENTITY.sub(entity, text))


@dataclass
class _Node:
    mermaid_id: str
    label: str
    kind: str
    explicit_kind: bool
    stage: str | None
    order: int


@dataclass
class Graph:
    nodes: dict[str, _Node] = field(default_factory=dict)
    edges: list[tuple[str, str, str, str]] = field(default_factory=list)
    title: str = ""


class _Reader:
    """A cursor over one statement, raising ImportRejected with line and column."""

    def __init__(self, text: str, line: int, column: int) -> None:
        self.text = text
        self.pos = 0
        self.line = line
        self.column = column  # where the statement starts in its line (0-based)

    def fail(self, message: str) -> ImportRejected:
        found = self.text[self.pos : self.pos + 30]
        where = f"line {self.line}, column {self.column + self.pos + 1}"
        return ImportRejected(
            f"Mermaid {where}: {message}" + (f" (found {found!r})" if found else ""),
            field="content",
        )

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def done(self) -> bool:
        self.skip_spaces()
        return self.pos >= len(self.text)

    def match(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        self.skip_spaces()
        found = pattern.match(self.text, self.pos)
        if found:
            self.pos = found.end()
        return found

    def startswith(self, token: str) -> bool:
        self.skip_spaces()
        if self.text.startswith(token, self.pos):
            self.pos += len(token)
            return True
        return False

    def label_until(self, closing: str) -> str:
        """Text up to the closing delimiter: a quoted string, or raw text."""
        self.skip_spaces()
        if self.text.startswith('"', self.pos):
            end = self.text.find('"', self.pos + 1)
            if end < 0:
                raise self.fail("a quoted label is not closed")
            value = self.text[self.pos + 1 : end]
            self.pos = end + 1
            self.skip_spaces()
            if not self.text.startswith(closing, self.pos):
                raise self.fail(f"expected {closing!r} after the label")
            self.pos += len(closing)
            return value
        end = self.text.find(closing, self.pos)
        if end < 0:
            raise self.fail(f"a node shape is not closed with {closing!r}")
        value = self.text[self.pos : end]
        self.pos = end + len(closing)
        return value


def _statements(text: str) -> list[tuple[int, int, str]]:
    """Split into (line, column, statement) on newlines and on semicolons outside quotes."""
    out: list[tuple[int, int, str]] = []

    def add(number: int, start: int, piece: str) -> None:
        if piece.strip():
            out.append((number, start + len(piece) - len(piece.lstrip()), piece.strip()))

    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.strip().startswith("%%"):
            continue  # a comment or directive line: a `;` in it separates nothing
        start, quoted = 0, False
        for index, char in enumerate(raw):
            if char == '"':
                quoted = not quoted
            if char == ";" and not quoted:
                add(number, start, raw[start:index])
                start = index + 1
        add(number, start, raw[start:])
    return out


def _front_matter(lines: list[str]) -> tuple[str, int]:
    """The title from a `---` front matter block, and how many lines it spans."""
    if not lines or lines[0].strip() != "---":
        return "", 0
    for index in range(1, min(len(lines), 200)):
        if lines[index].strip() == "---":
            title = ""
            for line in lines[1:index]:
                key, _, value = line.partition(":")
                if key.strip() == "title":
                    value = value.strip()
                    if value.startswith('"'):
                        try:
                            value = str(json.loads(value))
                        except json.JSONDecodeError:
                            value = value.strip('"')
                    elif value.startswith("'"):
                        value = value[1:-1].replace("''", "'")
                    title = one_line(value)
            return title, index + 1
    raise ImportRejected("Mermaid: the front matter opened with '---' is never closed.")


def _link_kind(body: str, head: str) -> str:
    if "~" in body:
        return "invisible"
    if "." in body or body.endswith("x") or head == "x":
        return "error"
    if "=" in body:
        return "fallback"
    if body.endswith("o"):
        return "data"
    return "flow"


def _node_ref(reader: _Reader, graph: Graph, stage: str | None) -> str:
    found = reader.match(_ID)
    if not found:
        raise reader.fail("expected a node id")
    node_id = found.group(0)
    if reader.text.startswith("@{", reader.pos):
        raise reader.fail("the @{ … } node syntax is not supported; use the classic shapes")
    kind, label, explicit = "process", "", False
    first_error: ImportRejected | None = None
    for opening, closing, shape_kind in _SHAPES:
        if reader.text.startswith(opening, reader.pos):
            reader.pos += len(opening)
            start = reader.pos
            try:
                label = reader.label_until(closing)
            except ImportRejected as exc:
                # `[/text\]` and `[/text/]` share an opening: try the next pairing.
                first_error = first_error or exc
                reader.pos = start - len(opening)
                continue
            kind, explicit = shape_kind, True
            break
    if not explicit and reader.text[reader.pos : reader.pos + 1] in {"[", "(", "{"}:
        raise first_error or reader.fail("a node shape is opened but never closed")
    if reader.text.startswith(":::", reader.pos):
        reader.pos += 3
        reader.match(re.compile(r"[A-Za-z0-9_-]+"))
    existing = graph.nodes.get(node_id)
    if existing is None:
        if len(graph.nodes) >= _max_nodes():
            raise reader.fail(f"more than {_max_nodes()} nodes")
        graph.nodes[node_id] = _Node(
            node_id,
            _decode(label) if explicit else node_id,
            kind,
            explicit,
            stage,
            len(graph.nodes),
        )
    else:
        if explicit:
            existing.label, existing.kind, existing.explicit_kind = _decode(label), kind, True
        if existing.stage is None and stage is not None:
            existing.stage = stage
    return node_id


def _max_nodes() -> int:
    from django.conf import settings

    return int(settings.SOPSTUDIO_MAX_NODES)


def _node_group(reader: _Reader, graph: Graph, stage: str | None) -> list[str]:
    group = [_node_ref(reader, graph, stage)]
    while reader.startswith("&"):
        group.append(_node_ref(reader, graph, stage))
    return group


def _statement(reader: _Reader, graph: Graph, stage: str | None) -> None:
    sources = _node_group(reader, graph, stage)
    while not reader.done():
        label = ""
        found = reader.match(_LINK)
        if found:
            kind = _link_kind(found.group("body"), found.group("head") or "")
        else:
            found = reader.match(_LINK_WITH_TEXT)
            if not found:
                raise reader.fail("expected a link such as --> or -.->")
            kind = _link_kind(found.group("open") + found.group("close"), found.group("head") or "")
            label = found.group("text").strip().strip('"')
        if reader.startswith("|"):
            end = reader.text.find("|", reader.pos)
            if end < 0:
                raise reader.fail("a |link text| is not closed")
            label = reader.text[reader.pos : end].strip().strip('"')
            reader.pos = end + 1
        targets = _node_group(reader, graph, stage)
        if kind != "invisible":
            for source in sources:
                for target in targets:
                    graph.edges.append((source, target, kind, _decode(label)))
        sources = targets


def parse_flowchart(text: str) -> Graph:
    """The nodes, links and title of a Mermaid flowchart, or ImportRejected saying why not."""
    if len(text) > MAX_MERMAID_CHARS:
        raise ImportRejected(
            f"The Mermaid text is {len(text):,} characters long; at most "
            f"{MAX_MERMAID_CHARS:,} can be imported.",
            field="content",
        )
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    graph = Graph()
    graph.title, skip = _front_matter(lines)
    body = "\n".join("" if i < skip else line for i, line in enumerate(lines))
    statements = _statements(body)
    if len(statements) > MAX_STATEMENTS:
        raise ImportRejected(
            f"The Mermaid text has {len(statements):,} statements; at most {MAX_STATEMENTS:,}.",
            field="content",
        )
    if not statements:
        raise ImportRejected("The Mermaid text is empty.", field="content")
    first_line, _, header = statements[0]
    if not _HEADER.match(header):
        kind = header.split()[0] if header.split() else header
        raise ImportRejected(
            f"Mermaid line {first_line}: only flowcharts (`flowchart LR`, `graph TD`, …) can be "
            f"imported; this text starts with {kind[:40]!r}.",
            field="content",
        )
    lookup = _stage_lookup()
    stack: list[str | None] = []
    for number, column, statement in statements[1:]:
        reader = _Reader(statement, number, column)
        if re.match(r"^subgraph\b", statement):
            rest = statement[len("subgraph") :].strip()
            names = re.findall(r'"([^"]*)"|\[([^\]]*)\]|([^\s\["]+)', rest)
            words = [next(part for part in groups if part) for groups in names if any(groups)]
            stage = next((lookup[_normal(w)] for w in words if _normal(w) in lookup), None)
            if stage is None and _normal(rest) in lookup:
                stage = lookup[_normal(rest)]
            enclosing = next((s for s in reversed(stack) if s), None)
            stack.append(stage or enclosing)
            continue
        if statement == "end":
            if not stack:
                raise ImportRejected(
                    f"Mermaid line {number}: 'end' closes no subgraph.", field="content"
                )
            stack.pop()
            continue
        if _IGNORED.match(statement):
            continue  # presentation and interaction only: never imported
        current = next((s for s in reversed(stack) if s), None)
        _statement(reader, graph, current)
    if stack:
        raise ImportRejected("Mermaid: a subgraph is not closed with 'end'.", field="content")
    if not graph.nodes:
        raise ImportRejected("The Mermaid flowchart has no node to import.", field="content")
    return graph
