"""Text for the renderers: XML-safe cleaning, font choice, measuring, wrapping and bidi.

cairosvg draws each character on its own with cairo's toy font API: no font fallback, no
shaping and no bidi. So we pick the font per run of characters ourselves (DejaVu Sans, or
Noto Sans CJK where DejaVu has no glyph), wrap with the same metrics cairo will use, and put
right-to-left runs in visual order (Arabic in its contextual presentation forms) marked
`unicode-bidi="bidi-override"`, so browsers, Inkscape and cairosvg all draw the same thing
and PDF text extraction still yields the logical text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import cairocffi as cairo

from apps.diagrams.schema import text_clean

SANS = "DejaVu Sans"
CJK = "Noto Sans CJK SC"
FONT_STACK = f"{SANS}, {CJK}, sans-serif"
_FALLBACKS = (SANS, CJK)

_WHITESPACE = re.compile(r"\s+")


def xml_clean(text: object) -> str:
    """The text without characters XML cannot carry: one makes cairosvg, browsers and every
    XML parser reject the file."""
    return text_clean("" if text is None else str(text))


def one_line(text: object) -> str:
    """Cleaned text with every run of whitespace (newlines too) made one space."""
    return _WHITESPACE.sub(" ", xml_clean(text)).strip()


# --- fonts and metrics --------------------------------------------------------------------


@cache
def _scaled_font(family: str, bold: bool) -> cairo.ScaledFont:
    face = cairo.ToyFontFace(
        family,
        cairo.FONT_SLANT_NORMAL,
        cairo.FONT_WEIGHT_BOLD if bold else cairo.FONT_WEIGHT_NORMAL,
    )
    # Measured at 100 units and scaled linearly: cairo's PDF output is unhinted too.
    return cairo.ScaledFont(face, cairo.Matrix(xx=100, yy=100))


@lru_cache(maxsize=65536)
def _covers(family: str, char: str) -> bool:
    glyphs = _scaled_font(family, False).text_to_glyphs(0, 0, char, with_clusters=False)
    return bool(glyphs) and all(glyph[0] != 0 for glyph in glyphs)


@lru_cache(maxsize=131072)
def font_for(char: str) -> str:
    """The first font of our stack that has a glyph for the character."""
    if char.isspace() or ord(char) < 0x250:
        return SANS
    for family in _FALLBACKS:
        if _covers(family, char):
            return family
    return SANS


@lru_cache(maxsize=131072)
def _advance(family: str, bold: bool, char: str) -> float:
    return float(_scaled_font(family, bold).text_extents(char)[4]) / 100.0


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width as cairosvg will draw it: one character after another, each in its font."""
    return sum(_advance(font_for(char), bold, char) for char in text) * size


# --- wrapping -----------------------------------------------------------------------------


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x3FFFF
    )


def _tokens(text: str) -> list[str]:
    """Break opportunities: after spaces and hyphens, and between CJK characters."""
    tokens: list[str] = []
    current = ""
    for char in text:
        if _is_cjk(char):
            if current:
                tokens.append(current)
            tokens.append(char)
            current = ""
            continue
        current += char
        if char in " -/":
            tokens.append(current)
            current = ""
    if current:
        tokens.append(current)
    return tokens


def _split_long(token: str, max_width: float, size: float, bold: bool) -> list[str]:
    pieces: list[str] = []
    current = ""
    for char in token:
        if current and text_width(current + char, size, bold) > max_width:
            pieces.append(current)
            current = char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def _ellipsize(line: str, max_width: float, size: float, bold: bool) -> str:
    line = line.rstrip()
    while line and text_width(line + "…", size, bold) > max_width:
        line = line[:-1].rstrip()
    return line + "…"


def wrap(
    text: str, *, max_width: float, size: float, max_lines: int = 0, bold: bool = False
) -> list[str]:
    """Greedy line breaking by measured width; the last allowed line ends in an ellipsis."""
    text = one_line(text)
    if not text:
        return []
    lines: list[str] = []
    current = ""
    for token in _tokens(text):
        candidate = current + token
        if text_width(candidate.rstrip(), size, bold) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current.rstrip())
            current = ""
        if text_width(token.rstrip(), size, bold) <= max_width:
            current = token
            continue
        pieces = _split_long(token, max_width, size, bold)
        lines.extend(pieces[:-1])
        current = pieces[-1]
    if current.strip():
        lines.append(current.rstrip())
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _ellipsize(lines[-1], max_width, size, bold)
    return lines


# --- bidi and Arabic shaping ---------------------------------------------------------------

_RTL = {"R", "AL"}
_MIRROR = dict(zip("()[]{}<>«»", ")(][}{><»«", strict=True))


@cache
def _arabic_forms() -> dict[str, dict[str, str]]:
    """Base letter → {isolated, final, initial, medial} presentation forms, from Unicode."""
    forms: dict[str, dict[str, str]] = {}
    for code in (*range(0xFB50, 0xFE00), *range(0xFE70, 0xFF00)):
        decomposition = unicodedata.decomposition(chr(code)).split()
        if len(decomposition) != 2 or not decomposition[0].startswith("<"):
            continue
        form = decomposition[0].strip("<>")
        base = chr(int(decomposition[1], 16))
        if form in {"isolated", "final", "initial", "medial"}:
            forms.setdefault(base, {}).setdefault(form, chr(code))
    return forms


def _joining(char: str) -> str:
    """D (dual-joining), R (right-joining), T (transparent) or U (non-joining)."""
    if char == "\u0640":  # tatweel joins on both sides
        return "D"
    if unicodedata.category(char) in {"Mn", "Me"}:
        return "T"
    forms = _arabic_forms().get(char)
    if not forms:
        return "U"
    return "D" if "initial" in forms or "medial" in forms else "R"


def shape_arabic(text: str) -> str:
    """Replace Arabic letters by the contextual forms their neighbours call for."""
    if not any("\u0600" <= char <= "\u06ff" for char in text):
        return text
    kinds = [_joining(char) for char in text]
    out = []
    for index, char in enumerate(text):
        kind = kinds[index]
        if kind not in {"D", "R"} or char == "\u0640":
            out.append(char)
            continue
        before = next((k for k in reversed(kinds[:index]) if k != "T"), "U")
        after = next((k for k in kinds[index + 1 :] if k != "T"), "U")
        joins_before = before == "D"
        joins_after = kind == "D" and after in {"D", "R"}
        form = (
            "medial"
            if joins_before and joins_after
            else "final"
            if joins_before
            else "initial"
            if joins_after
            else "isolated"
        )
        out.append(_arabic_forms().get(char, {}).get(form, char))
    return "".join(out)


def has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in _RTL for char in text)


def visual_order(text: str) -> str:
    """A simplified Unicode bidi algorithm for one line: resolve levels, then reorder."""
    if not has_rtl(text):
        return text
    classes = [unicodedata.bidirectional(char) for char in text]
    base = "L"
    for cls in classes:
        if cls == "L" or cls in _RTL:
            base = "L" if cls == "L" else "R"
            break
    kinds: list[str] = []
    for cls in classes:
        if cls in _RTL:
            kinds.append("R")
        elif cls in {"L", "EN", "AN"}:
            kinds.append(cls)
        elif cls == "NSM" and kinds:
            kinds.append(kinds[-1])
        else:
            kinds.append("")
    # W7: a European number after left-to-right text is left-to-right text.
    last_strong = base
    for index, kind in enumerate(kinds):
        if kind in {"L", "R"}:
            last_strong = kind
        elif kind == "EN" and last_strong == "L":
            kinds[index] = "L"
    # Separators between two digits belong to the number (1,000 or 3.5).
    for index in range(1, len(kinds) - 1):
        if (
            not kinds[index]
            and classes[index] in {"CS", "ES", "ET"}
            and kinds[index - 1] == kinds[index + 1]
            and kinds[index - 1] in {"EN", "AN"}
        ):
            kinds[index] = kinds[index - 1]

    def direction(kind: str) -> str:
        return "L" if kind == "L" else "R"

    resolved = list(kinds)
    for index, kind in enumerate(kinds):
        if kind:
            continue
        left = next((direction(k) for k in reversed(kinds[:index]) if k), base)
        right = next((direction(k) for k in kinds[index + 1 :] if k), base)
        resolved[index] = left if left == right else base
    if base == "L":
        levels = [0 if k == "L" else 1 if k == "R" else 2 for k in resolved]
    else:
        levels = [1 if k == "R" else 2 for k in resolved]
    chars = [
        _MIRROR.get(char, char) if level % 2 else char
        for char, level in zip(text, levels, strict=True)
    ]
    for level in range(max(levels), 0, -1):
        index = 0
        while index < len(chars):
            if levels[index] < level:
                index += 1
                continue
            end = index
            while end < len(chars) and levels[end] >= level:
                end += 1
            chars[index:end] = chars[index:end][::-1]
            levels[index:end] = levels[index:end][::-1]
            index = end
    return "".join(chars)


# --- runs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """Consecutive characters drawn with one font, in visual order."""

    family: str
    text: str
    width: float


@dataclass(frozen=True)
class Line:
    runs: tuple[Run, ...]
    width: float
    reordered: bool

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


def layout_line(text: str, size: float, bold: bool = False) -> Line:
    """One line ready to draw: shaped, in visual order, split into single-font runs."""
    reordered = has_rtl(text)
    visual = visual_order(shape_arabic(text)) if reordered else text
    runs: list[Run] = []
    current_family = ""
    current = ""
    for char in visual:
        family = font_for(char)
        if char == " " and current:
            family = current_family  # a space never starts a font switch
        if current and family != current_family:
            runs.append(Run(current_family, current, text_width(current, size, bold)))
            current = ""
        current_family = family
        current += char
    if current:
        runs.append(Run(current_family, current, text_width(current, size, bold)))
    return Line(tuple(runs), sum(run.width for run in runs), reordered)
