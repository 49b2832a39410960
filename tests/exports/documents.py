"""Documents the export tests draw: a real template, hostile text, and big generated ones."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

from apps.diagrams.templates import template_get
from apps.diagrams.theme import stage_ids, theme

SCRIPT_LABEL = '<script>alert("x")</script>'
HANDLER_LABEL = '<img src=x onerror="alert(1)"> onload=evil()'
JS_LINK = '<a href="javascript:alert(1)">open</a>'
CONTROL_LABEL = "bell\x07 nul\x00 esc\x1b vt\x0b done"
HEBREW = "שלום עולם"
ARABIC = "مرحبا بالعالم"
CJK = "你好\uff0c世界 日本語のテキスト 한국어"
LONG_DESCRIPTION = ("Each request is checked against the schema before scoring. " * 90)[:5000]
UNBROKEN = "x" * 1200


def fraud_content() -> dict[str, Any]:
    return template_get(template_id="fraud-detection-api").content.as_json()


def hostile_content(url: str = "") -> dict[str, Any]:
    """Labels and fields an attacker (or a careless paste) could put in a diagram. Not run
    through the schema: the renderer has to cope with raw characters XML forbids too."""
    link = url or "http://127.0.0.1:9/"
    lane = theme()["layout"]["laneWidth"]
    labels = [
        ("trigger", "start", SCRIPT_LABEL),
        ("input", "process", HANDLER_LABEL),
        ("model", "decision", JS_LINK),
        ("inference", "process", CONTROL_LABEL),
        ("postprocess", "process", HEBREW),
        ("delivery", "datastore", ARABIC),
        ("monitoring", "alert", CJK),
    ]
    nodes = []
    for index, (stage, kind, label) in enumerate(labels):
        nodes.append(
            {
                "id": f"n{index}",
                "kind": kind,
                "stage": stage,
                "label": label,
                "description": LONG_DESCRIPTION if index == 1 else f"See {link}doc{index}.html",
                "x": index * lane + 40,
                "y": 110,
                "w": 200,
                "h": 90,
                "fields": {
                    "owner": f'<b onclick="steal()">Owner {index}</b>',
                    "escalationContact": f"javascript:alert({index})",
                    "source": f'<img src="{link}pixel{index}.png"> {link}feed{index}',
                },
            }
        )
    nodes[1]["fields"]["inputSchema"] = UNBROKEN
    nodes[2]["fields"]["fallbackLogic"] = f"@import url({link}style.css); url({link}x)"
    edges = [
        {
            "id": f"e{index}",
            "source": f"n{index}",
            "target": f"n{index + 1}",
            "kind": ("flow", "error", "fallback", "data")[index % 4],
            "label": ['" onmouseover="alert(1)', f"{link}edge", HEBREW, "ok", CJK[:6], "x\x01y"][
                index
            ],
        }
        for index in range(6)
    ]
    return {
        "schema": "sop-diagram/1",
        "meta": {
            "title": f"</title><script>alert(1)</script> {CJK[:2]} {HEBREW}",
            "mode": "realtime",
            "owner": '<svg onload="alert(1)">',
            "description": f"<foreignObject>{link}</foreignObject>",
            "glossary": [{"term": "<b>API</b>", "definition": f"see {link}"}],
            "modelVersions": [f"{link}model@1"],
        },
        "nodes": nodes,
        "edges": edges,
    }


# Step names as long as the shipped templates' (20-30 characters).
ACTIONS = (
    "validate the request",
    "score the transaction",
    "look up features",
    "apply business rules",
    "write the decision log",
    "alert the on-call team",
    "check model drift",
)


def synthetic_content(node_count: int) -> dict[str, Any]:
    """A laid-out diagram of `node_count` steps over the seven lanes, with every node kind
    and edge kind and labelled edges, like a large real SOP."""
    stages = stage_ids()
    kinds = [k["id"] for k in theme()["nodeKinds"]]
    lane = theme()["layout"]["laneWidth"]
    per_lane = -(-node_count // len(stages))
    nodes = []
    for index in range(node_count):
        stage_index, row = divmod(index, per_lane)
        kind = kinds[index % len(kinds)]
        nodes.append(
            {
                "id": f"n{index}",
                "kind": kind,
                "stage": stages[stage_index],
                "label": f"Step {index} {ACTIONS[index % len(ACTIONS)]}",
                "description": f"Step {index} of the generated procedure.",
                "x": stage_index * lane + 40,
                "y": 104 + row * 130,
                "w": 72 if kind == "end" else 200,
                "h": 72,
                "fields": {"owner": f"Team {index % 5}", "latencyBudgetMs": 40 + index % 9},
            }
        )
    edges = []
    for index in range(node_count - 1):
        edges.append(
            {
                "id": f"e{index}",
                "source": f"n{index}",
                "target": f"n{index + 1}",
                "kind": ("flow", "flow", "error", "fallback", "data")[index % 5],
                "label": f"when {index} ok" if index % 3 == 0 else "",
            }
        )
    return {
        "schema": "sop-diagram/1",
        "meta": {"title": f"Generated {node_count}"},
        "nodes": nodes,
        "edges": edges,
    }


def pdftotext(data: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.pdf"
        path.write_bytes(data)
        result = subprocess.run(
            ["pdftotext", *args, str(path), "-"], capture_output=True, check=True, text=True
        )
    return result.stdout


def band_text(data: bytes, page: int, *, y: float, width: float, height: float) -> str:
    """The text of one page inside the full-width band from `y` down `height` points."""
    return pdftotext(
        data,
        "-f",
        str(page),
        "-l",
        str(page),
        "-x",
        "0",
        "-y",
        str(int(y)),
        "-W",
        str(int(width)),
        "-H",
        str(int(height)),
    )


def body_text(data: bytes, *, top: float = 56, bottom: float = 48) -> str:
    """The text of every page without its header and footer bands, so a paragraph that runs
    over a page break reads as one."""
    import io

    from pypdf import PdfReader

    parts = []
    for number, page in enumerate(PdfReader(io.BytesIO(data)).pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        parts.append(band_text(data, number, y=top, width=width, height=height - top - bottom))
    return "".join(parts)


def pdf_tool(tool: str, data: bytes, *args: str) -> str:
    assert shutil.which(tool), f"{tool} (poppler-utils/qpdf) is not installed"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.pdf"
        path.write_bytes(data)
        result = subprocess.run([tool, *args, str(path)], capture_output=True, text=True)
    return result.stdout + result.stderr


def squash(text: str) -> str:
    """Text as extracted from a PDF, comparable however it was wrapped: no whitespace, no
    bidi marks, Arabic presentation forms folded back to letters."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\u200e\u200f\u202a-\u202e]+", "", text)
