"""Plain language: labels that exist, differ, stay short and keep one term for one thing; no
unexplained acronyms; no placeholders left behind."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import partial
from itertools import pairwise

from apps.assistant.changeset import Operation, SetMeta, UpdateNode
from apps.assistant.rules.base import (
    PLACEHOLDER,
    Draft,
    LintContext,
    is_placeholder,
    quoted,
)

# Past this a label wraps on the canvas; details belong in the description.
MAX_LABEL_CHARS = 40
# Labels that may repeat: several branches can each end in "Done".
_REPEATABLE_KINDS = frozenset({"end", "note"})
_WORD = re.compile(r"[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)*")
# Spellings of one term differ only by case, hyphens, slashes and spaces ("Pre-processing",
# "Preprocessing", "pre processing"); shorter keys are too often different words.
_MIN_TERM_KEY = 5
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
# Two or more capitals (digits and & allowed after the first), optionally a plural s.
_ACRONYM = re.compile(r"(?<![A-Za-z0-9])([A-Z][A-Z0-9&]*[A-Z][A-Z0-9]*)(?:s)?(?![A-Za-z0-9])")


def labels_not_empty(context: LintContext) -> Iterator[Draft]:
    for node in context.steps:
        if node.label.strip():
            continue
        yield Draft(
            message=f"A {node.kind} step in the {node.stage} stage ({node.id}) has no label.",
            refs=(node.id,),
            fix=(UpdateNode(id=node.id, set={"label": f"{PLACEHOLDER}: name this step"}),),
        )


def _normalised(label: str) -> str:
    return " ".join(label.casefold().split())


def labels_unique(context: LintContext) -> Iterator[Draft]:
    groups: dict[str, list[str]] = defaultdict(list)
    for node in context.steps:
        if node.kind not in _REPEATABLE_KINDS and node.label.strip():
            groups[_normalised(node.label)].append(node.id)
    for ids in groups.values():
        if len(ids) > 1:
            yield Draft(
                message=f"{len(ids)} steps are labelled {quoted(context.label(ids[0]))}: give "
                "each step a label that tells it apart.",
                refs=tuple(ids),
            )


def labels_short(context: LintContext) -> Iterator[Draft]:
    for node in context.steps:
        label = node.label.strip()
        if len(label) > MAX_LABEL_CHARS:
            yield Draft(
                message=f"The label {quoted(label)} is {len(label)} characters long (more than "
                f"{MAX_LABEL_CHARS}): keep it short and move the details to the description.",
                refs=(node.id,),
            )


def _term_forms(label: str) -> set[str]:
    """Each word of the label, and each pair of neighbouring words, lower-cased."""
    words = [match.group(0).lower() for match in _WORD.finditer(label)]
    return set(words) | {f"{a} {b}" for a, b in pairwise(words)}


def _restyle_match(chosen: str, match: re.Match[str]) -> str:
    """The chosen spelling, capitalised where the replaced one was."""
    return chosen[:1].upper() + chosen[1:] if match.group(0)[:1].isupper() else chosen


def one_term(context: LintContext) -> Iterator[Draft]:
    by_key: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for node in context.steps:
        for form in _term_forms(node.label):
            key = _NOT_ALNUM.sub("", form)
            if len(key) >= _MIN_TERM_KEY:
                by_key[key][form].append(node.id)
    for forms in by_key.values():
        if len(forms) < 2:
            continue
        counts = Counter({form: len(ids) for form, ids in forms.items()})
        chosen = max(sorted(counts), key=lambda form: counts[form])
        fix: list[Operation] = []
        for form, ids in sorted(forms.items()):
            if form == chosen:
                continue
            pattern = re.compile(
                r"(?<![A-Za-z0-9])"
                + r"[\s]+".join(map(re.escape, form.split()))
                + r"(?![A-Za-z0-9])",
                re.I,
            )
            for node_id in ids:
                label = context.node_by_id[node_id].label
                fixed = pattern.sub(partial(_restyle_match, chosen), label)
                if fixed != label:
                    fix.append(UpdateNode(id=node_id, set={"label": fixed}))
        shown = " and ".join(
            f"{quoted(form)} ({quoted(context.label(ids[0]))})"
            for form, ids in sorted(forms.items())
        )
        refs = tuple(sorted({node_id for ids in forms.values() for node_id in ids}))
        yield Draft(
            message=f"One term, several spellings: {shown}. Use {quoted(chosen)} throughout.",
            refs=refs,
            fix=tuple(fix) or None,
        )


def _texts(context: LintContext) -> Iterator[tuple[str | None, str]]:
    """Every text a reader sees, with the id of the element it belongs to (None: the SOP)."""
    meta = context.document.meta
    yield None, meta.title
    yield None, meta.description
    for node in context.nodes:
        yield node.id, node.label
        yield node.id, node.description
        for value in node.fields.values():
            if isinstance(value, str):
                yield node.id, value
    for edge in context.edges:
        yield edge.id, edge.label


def acronyms_explained(context: LintContext) -> Iterator[Draft]:
    glossary = {entry.term for entry in context.document.meta.glossary}
    seen: dict[str, list[str | None]] = {}
    expanded: set[str] = set()
    for element_id, text in _texts(context):
        if not text:
            continue
        for match in _ACRONYM.finditer(text):
            acronym = match.group(1)
            # The placeholder marker fixes write ("TODO: …") is SOP020's, not an acronym.
            if acronym in glossary or (
                acronym == PLACEHOLDER and text.startswith(":", match.end())
            ):
                continue
            places = seen.setdefault(acronym, [])
            if element_id not in places:
                places.append(element_id)
            # Expanded where it is used: "population stability index (PSI)" or "PSI (…)".
            wrapped = (
                text[match.start() - 1 : match.start()] == "("
                and text[match.end() : match.end() + 1] == ")"
            )
            if wrapped or text[match.end() : match.end() + 2] == " (":
                expanded.add(acronym)
    full_glossary = len(context.document.meta.glossary) >= 200
    for acronym, places in seen.items():
        if acronym in expanded:
            continue
        where = next((place for place in places if place is not None), None)
        named = quoted(context.label(where)) if where else "the SOP's title or description"
        yield Draft(
            message=f"{quoted(acronym)} (in {named}) is not explained: expand it once or add "
            "it to the glossary.",
            refs=tuple(place for place in places if place is not None),
            fix=None
            if full_glossary
            else (
                SetMeta(
                    key="glossary",
                    value=[
                        *(entry.model_dump() for entry in context.document.meta.glossary),
                        {
                            "term": acronym,
                            "definition": f"{PLACEHOLDER}: what {acronym} stands for",
                        },
                    ],
                ),
            ),
        )


def placeholders_left(context: LintContext) -> Iterator[Draft]:
    meta = context.document.meta
    meta_left = [
        name for name in ("title", "owner", "description") if is_placeholder(getattr(meta, name))
    ]
    meta_left += [
        f"glossary {entry.term}" for entry in meta.glossary if is_placeholder(entry.definition)
    ]
    if meta_left:
        yield Draft(message=f"The SOP still has placeholders to fill in: {', '.join(meta_left)}.")
    for node in context.nodes:
        left = [key for key, value in node.fields.items() if is_placeholder(value)]
        left = [
            name for name in ("label", "description") if is_placeholder(getattr(node, name))
        ] + left
        if left:
            yield Draft(
                message=f"{quoted(context.label(node.id))} still has placeholders to fill in: "
                f"{', '.join(left)}.",
                refs=(node.id,),
            )
