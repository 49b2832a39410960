"""The text pages of the audit pack as HTML and CSS for WeasyPrint; every piece of user text
is cleaned and escaped here."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from apps.diagrams.diff import diff_documents
from apps.exports.render.auditpack.model import PackInput
from apps.exports.render.auditpack.validation import validation_summary
from apps.exports.render.pdf import paper_size
from apps.exports.render.procedure import build_procedure
from apps.exports.render.text import xml_clean

# Page geometry shared by the CSS and the diagram placement, in points.
MARGIN_TOP = 58.0
MARGIN_BOTTOM = 50.0
MARGIN_SIDE = 40.0
CAPTION = 30.0
AUDIT_EXCERPT = 200


def _h(value: object) -> str:
    return html.escape(xml_clean(value), quote=True)


def _pre(value: object) -> str:
    return f'<div class="pre">{_h(value)}</div>' if str(value or "").strip() else ""


def version_label(pack: PackInput) -> str:
    return f"Version {pack['version']}" if pack["version"] is not None else "Live document"


def _css(paper: str, orientation: str) -> str:
    diagram_w, diagram_h = paper_size(paper, orientation)
    text_w, text_h = paper_size(paper, "portrait")
    return f"""
@page {{
  size: {text_w:.3f}pt {text_h:.3f}pt;
  margin: {MARGIN_TOP}pt {MARGIN_SIDE}pt {MARGIN_BOTTOM}pt {MARGIN_SIDE}pt;
  @top-left {{ content: element(head-left); vertical-align: bottom; padding-bottom: 8pt; }}
  @top-right {{ content: element(head-right); vertical-align: bottom; padding-bottom: 8pt; }}
  @bottom-left {{ content: element(foot-left); vertical-align: top; padding-top: 8pt; }}
  @bottom-right {{
    content: "Page " counter(page) " of " counter(pages);
    vertical-align: top; padding-top: 8pt; font-size: 7.5pt; color: #475569;
  }}
}}
@page diagram {{ size: {diagram_w:.3f}pt {diagram_h:.3f}pt; }}
html {{ font-family: "DejaVu Sans", "Noto Sans CJK SC", sans-serif; font-size: 9pt;
  color: #0f172a; line-height: 1.35; }}
.head-left {{ position: running(head-left); font-size: 7.5pt; color: #475569; }}
.head-right {{ position: running(head-right); font-size: 7.5pt; color: #475569;
  text-align: right; }}
.foot-left {{ position: running(foot-left); font-size: 7.5pt; color: #475569; }}
.watermark {{ position: fixed; top: 38%; left: 0; width: 100%; text-align: center;
  white-space: nowrap; font-weight: bold; color: #dc2626; opacity: 0.14;
  transform: rotate(-30deg); letter-spacing: 4pt; }}
h1 {{ font-size: 22pt; margin: 0 0 6pt; }}
h2 {{ font-size: 14pt; margin: 16pt 0 6pt; border-bottom: 1.5pt solid #cbd5e1;
  padding-bottom: 3pt; break-after: avoid; }}
h3 {{ font-size: 11pt; margin: 12pt 0 4pt; break-after: avoid; }}
p {{ margin: 3pt 0; }}
.muted {{ color: #475569; }}
.state {{ font-size: 12pt; font-weight: bold; color: #b91c1c; margin: 6pt 0 14pt; }}
/* Fixed layout: automatic layout measures every cell's shortest line, which with
   overflow-wrap: anywhere means breaking text at every character: seconds per page. */
table {{ border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; table-layout: fixed; }}
th, td {{ border: 0.6pt solid #cbd5e1; padding: 3pt 4pt; vertical-align: top;
  text-align: left; overflow-wrap: anywhere; }}
th {{ background: #f1f5f9; font-weight: bold; }}
tr {{ break-inside: auto; }}
table.facts th {{ width: 32%; }}
.pre {{ white-space: pre-wrap; overflow-wrap: anywhere; }}
.mono {{ font-family: "DejaVu Sans Mono", monospace; font-size: 7.5pt;
  overflow-wrap: anywhere; }}
.stage-name {{ display: inline-block; width: 8pt; height: 8pt; margin-right: 4pt;
  vertical-align: baseline; }}
.paths {{ margin: 3pt 0 0; padding-left: 12pt; }}
.paths li.error {{ color: #b91c1c; }}
.paths li.fallback {{ color: #b45309; }}
.warn {{ color: #b91c1c; font-weight: bold; }}
dl {{ margin: 3pt 0; }}
dt {{ font-weight: bold; display: inline; }}
dd {{ display: inline; margin: 0; }}
.field {{ margin: 1pt 0; }}
.missing {{ color: #64748b; font-size: 8pt; }}
.keep {{ break-inside: avoid; }}
ol.findings {{ margin: 4pt 0; padding-left: 16pt; }}
ol.findings li {{ margin: 2pt 0; }}
ol.findings li.error strong {{ color: #b91c1c; }}
ol.findings li.warning strong {{ color: #b45309; }}
ol.findings li.info strong {{ color: #1d4ed8; }}
.diagram-tile {{ page: diagram; break-before: page; height: {CAPTION}pt; }}
.diagram-tile h2 {{ margin-top: 0; border: none; }}
.cover {{ break-after: page; }}
section.part {{ break-before: page; }}
"""


def _cover(pack: PackInput) -> str:
    meta = pack["content"].get("meta") or {}
    effective = pack["effective_date"] or "Not effective: this version has not been approved."
    facts = [
        ("Document id", pack["document_id"]),
        ("Title", pack["title"]),
        ("Version", version_label(pack)),
        ("Status", pack["status"]),
        ("Effective date", effective),
        ("Owner", pack["owner"] or "Not recorded"),
        ("Mode", meta.get("mode", "")),
        ("Review by", meta.get("reviewBy") or "Not set"),
        ("Saved", f"{pack['saved_at']} by {pack['saved_by']}" if pack["saved_at"] else "—"),
        ("Version message", pack["message"] or "—"),
        ("Workspace", pack["workspace"]),
        ("Content hash (SHA-256)", pack["content_hash"]),
        ("Generated", f"{pack['generated_at']} by {pack['generated_by']}"),
        ("Attached file", f"{pack['attachment_name']} (the version's sop-diagram/1 JSON)"),
    ]
    rows = "".join(
        f'<tr><th>{_h(k)}</th><td class="{"mono" if "hash" in k else ""}">{_h(v)}</td></tr>'
        for k, v in facts
    )
    return (
        '<section class="cover">'
        f'<p class="muted">Standard operating procedure — audit pack</p><h1>{_h(pack["title"])}</h1>'
        f'<p class="state">{_h(pack["status"])}</p>'
        f'<table class="facts">{rows}</table>'
        f"{_document_facts(pack)}"
        "</section>"
    )


def _document_facts(pack: PackInput) -> str:
    meta = pack["content"].get("meta") or {}
    parts = []
    if str(meta.get("description") or "").strip():
        parts.append(f"<h3>Purpose</h3>{_pre(meta['description'])}")
    models = meta.get("modelVersions") or []
    if models:
        parts.append(
            "<h3>Linked model versions</h3><p>" + ", ".join(_h(m) for m in models) + "</p>"
        )
    glossary = meta.get("glossary") or []
    if glossary:
        rows = "".join(
            f"<tr><th>{_h(entry.get('term'))}</th><td>{_h(entry.get('definition'))}</td></tr>"
            for entry in glossary
        )
        parts.append(f'<h3>Glossary</h3><table class="facts">{rows}</table>')
    return "".join(parts)


def diagram_placeholders(pack: PackInput, pages: int, rows: int, columns: int) -> str:
    out = []
    for index in range(1, pages + 1):
        where = (
            f" — part {index} of {pages} (row {(index - 1) // columns + 1}, "
            f"column {(index - 1) % columns + 1})"
            if pages > 1
            else ""
        )
        out.append(
            f'<section class="diagram-tile" id="diagram-tile-{index}">'
            f"<h2>Diagram{_h(where)}</h2></section>"
        )
    return "".join(out)


def _procedure(pack: PackInput) -> str:
    procedure = build_procedure(pack["content"])
    parts = ['<section class="part"><h2>Procedure</h2>']
    parts.append(
        '<p class="muted">Steps are numbered by stage, top to bottom and left to right as '
        "drawn. Every structured field is listed; fields that apply to a stage but are "
        "empty are named as not recorded.</p>"
    )
    for stage_index, (stage, steps) in enumerate(procedure.stages, start=1):
        parts.append(
            f'<h3><span class="stage-name" style="background:{_h(stage["color"])}"></span>'
            f"{stage_index}. {_h(stage['name'])}</h3>"
        )
        if not steps:
            parts.append('<p class="warn">No step is drawn in this stage.</p>')
            continue
        rows = []
        for step in steps:
            node = step.node
            fields = "".join(
                f'<div class="field"><dt>{_h(label)}:</dt> <dd class="pre">{_h(value)}</dd></div>'
                for label, value in step.fields
            )
            missing = (
                f'<p class="missing">Not recorded: {_h(", ".join(step.missing_fields))}</p>'
                if step.missing_fields
                else ""
            )
            paths = "".join(
                f'<li class="{_h(p.kind)}">{_h(p.text)}</li>' for p in step.outgoing + step.incoming
            )
            warn = (
                '<p class="warn">No error or fallback path is drawn from this step.</p>'
                if step.needs_exception_path
                else ""
            )
            rows.append(
                "<tr>"
                f'<td class="mono">{_h(step.number)}</td>'
                f"<td><strong>{_h(node.get('label') or '(no label)')}</strong><br>"
                f'<span class="muted">{_h(step.kind_name)}</span></td>'
                f"<td>{_pre(node.get('description'))}<dl>{fields}</dl>{missing}"
                f"{f'<ul class=paths>{paths}</ul>' if paths else ''}{warn}</td>"
                "</tr>"
            )
        parts.append(
            '<table><thead><tr><th style="width:7%">#</th><th style="width:25%">Step</th>'
            f"<th>Details, fields and paths</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
    parts.append("<h3>Error and fallback paths</h3>")
    if procedure.exception_paths:
        path_rows = "".join(
            f"<tr><td>{_h('Error' if p.kind == 'error' else 'Fallback')}</td>"
            f"<td>{_h(p.source)}</td><td>{_h(p.condition or '—')}</td>"
            f"<td>{_h(p.target)}</td><td>{_h(p.handled_by or 'No owner recorded')}</td></tr>"
            for p in procedure.exception_paths
        )
        parts.append(
            '<table><thead><tr><th style="width:10%">Path</th><th style="width:24%">From step</th>'
            '<th style="width:20%">Condition</th><th style="width:26%">Goes to</th>'
            f"<th>Handled by</th></tr></thead><tbody>{path_rows}</tbody></table>"
        )
    else:
        parts.append('<p class="warn">This procedure draws no error or fallback path.</p>')
    parts.append(f"{validation_summary(pack)}</section>")
    return "".join(parts)


def _history(pack: PackInput) -> str:
    parts = ['<section class="part"><h2>Revision history</h2>']
    if pack["versions"]:
        rows = "".join(
            f"<tr><td>{v['number']}</td><td>{_h(v['created_at'])}</td><td>{_h(v['author'])}</td>"
            f"<td>{_h(v['message'] or '—')}</td><td class='mono'>{_h(v['content_hash'][:16])}…</td></tr>"
            for v in pack["versions"]
        )
        parts.append(
            '<table><thead><tr><th style="width:9%">Version</th><th style="width:20%">Saved (UTC)</th>'
            '<th style="width:14%">By</th><th>Message</th><th style="width:22%">Content hash</th>'
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )
    else:
        parts.append("<p>No version has been saved.</p>")
    previous = pack["previous"]
    this = version_label(pack).lower()
    if previous is None:
        parts.append(
            f"<h3>Changes</h3><p>This is the first version: there is nothing to compare {this} with.</p>"
        )
    else:
        changes = diff_documents(previous["content"], pack["content"])
        moved = sum(1 for c in changes if c.change == "moved")
        listed = [c for c in changes if c.change != "moved"]
        parts.append(f"<h3>Changes from version {previous['number']} to {_h(this)}</h3>")
        if listed:
            parts.append(
                "<ul>"
                + "".join(f"<li>{_h(c.change.capitalize())}: {_h(c.summary)}</li>" for c in listed)
                + "</ul>"
            )
        elif not moved:
            parts.append("<p>No change.</p>")
        if moved:
            parts.append(f"<p>{moved} element(s) moved on the canvas without other change.</p>")
    parts.append("</section>")
    return "".join(parts)


def _signatures(pack: PackInput) -> str:
    return (
        '<section class="part"><h2>Signatures</h2>'
        f'<p class="state">Not approved</p><p>No review has approved {_h(version_label(pack).lower())} '
        "and no one has signed it. Signatures (name, meaning, time, bound to the content hash) "
        "appear here once the version is approved.</p>"
        '<table><thead><tr><th style="width:40%">Name</th><th style="width:35%">Meaning</th>'
        "<th>Time (UTC)</th></tr></thead>"
        "<tbody><tr><td>—</td><td>—</td><td>—</td></tr></tbody></table>"
        f"{_audit_trail(pack)}</section>"
    )


_HEX_DIGEST = re.compile(r"\b([0-9a-f]{12})[0-9a-f]{20,}\b")


def _event_details(data: dict[str, Any]) -> str:
    text = ", ".join(
        f"{key}: {value if not isinstance(value, (dict, list)) else json.dumps(value, ensure_ascii=False)}"
        for key, value in sorted(data.items())
    )
    text = _HEX_DIGEST.sub(r"\1…", text)  # a digest reads as its first 12 characters
    return text if len(text) <= 300 else text[:299] + "…"


def _audit_trail(pack: PackInput) -> str:
    events = pack["events"][-AUDIT_EXCERPT:]
    parts = ["<h2>Audit trail excerpt</h2>"]
    if not events:
        return "".join([*parts, "<p>No audit event is recorded for this diagram.</p>"])
    parts.append(
        f"<p class='muted'>The last {len(events)} event(s) recorded for this diagram. Each "
        "event's hash covers the event and the hash of the one before it in the workspace's "
        "chain.</p>"
    )
    rows = "".join(
        f"<tr><td>{e['seq']}</td><td>{_h(e['time'])}</td><td>{_h(e['actor'])}</td>"
        f"<td>{_h(e['action'])}</td><td>{_h(_event_details(e['data']))}</td>"
        f"<td class='mono'>{_h(e['hash'][:12])}…</td></tr>"
        for e in events
    )
    parts.append(
        '<table><thead><tr><th style="width:6%">#</th><th style="width:17%">Time (UTC)</th>'
        '<th style="width:12%">Actor</th><th style="width:15%">Action</th><th>Details</th>'
        f'<th style="width:15%">Hash</th></tr></thead><tbody>{rows}</tbody></table>'
    )
    return "".join(parts)


def pack_html(pack: PackInput, *, paper: str, orientation: str, diagram_pages: str) -> str:
    head_left = f"{pack['document_id']} · {pack['title']}"
    head_right = f"{version_label(pack)} · {pack['status']}"
    foot_left = f"Content hash {pack['content_hash'][:16]}… · generated {pack['generated_at']}"
    # As large as fits across a portrait page on the diagonal.
    size = min(80, 520 // max(len(pack["watermark"]), 1))
    watermark = (
        f'<div class="watermark" style="font-size:{size}pt">{_h(pack["watermark"])}</div>'
        if pack["watermark"]
        else ""
    )
    subject = (
        f"Audit pack of {pack['document_id']} {version_label(pack).lower()} ({pack['status']})"
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_h(pack['title'])} — {_h(pack['document_id'])} {_h(version_label(pack))}</title>"
        f"<meta name='author' content='{_h(pack['owner'] or pack['saved_by'])}'>"
        f"<meta name='description' content='{_h(subject)}'>"
        f"<meta name='keywords' content='SOP, audit pack, {_h(pack['document_id'])}'>"
        "<meta name='generator' content='SOP Studio'>"
        f"<meta name='dcterms.created' content='{_h(pack['generated_iso'])}'>"
        f"<meta name='dcterms.modified' content='{_h(pack['generated_iso'])}'>"
        f"<style>{_css(paper, orientation)}</style></head><body>"
        f'<div class="head-left">{_h(head_left)}</div>'
        f'<div class="head-right">{_h(head_right)}</div>'
        f'<div class="foot-left">{_h(foot_left)}</div>{watermark}'
        f"{_cover(pack)}{diagram_pages}{_procedure(pack)}{_history(pack)}{_signatures(pack)}"
        "</body></html>"
    )
