"""Fonts for every document: registration (once per process) and script runs.

The bundled Droid Sans Fallback (``resources/fonts``, Apache-2.0) carries the Chinese glyphs;
it has no Latin letters or digits, so Latin text, digits and currency symbols are set in the
bundled Noto Sans (SIL OFL 1.1). Both are embedded as subsets, so a document looks the same
in every viewer and on every printer, with no dependence on the machine's fonts.
``markup`` and ``runs`` split text into runs by script, so a single string such as
``"Balance 未还余额 ¥1,200.00"`` comes out right.
"""

from __future__ import annotations

import threading
from functools import cache, lru_cache
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from workstation.resources import resource_path

LATIN = "NotoSans"
LATIN_BOLD = "NotoSans-Bold"
LATIN_FONT_FILES = {LATIN: "NotoSans-Regular.ttf", LATIN_BOLD: "NotoSans-Bold.ttf"}
CJK = "DroidSansFallback"
CJK_FONT_FILE = "DroidSansFallbackFull.ttf"

_lock = threading.Lock()


@cache
def _register() -> frozenset[int]:
    # Parsing the 4 MB TrueType file takes ~0.3 s: done once per process, then shared.
    for name, filename in LATIN_FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", filename))))
    font = TTFont(CJK, str(resource_path("fonts", CJK_FONT_FILE)))
    pdfmetrics.registerFont(font)
    return frozenset(font.face.charToGlyph)


def register_fonts() -> None:
    """Register the document fonts with reportlab (idempotent, thread-safe, cached)."""
    with _lock:
        _register()


def cjk_coverage() -> frozenset[int]:
    """Code points the embedded CJK font can draw."""
    with _lock:
        return _register()


def _is_latin(char: str) -> bool:
    """The Latin font sets the character (the WinAnsi repertoire, which Noto Sans covers)."""
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=4096)
def runs(text: str, latin: str = LATIN) -> tuple[tuple[str, str], ...]:
    """Split ``text`` into ``(font name, text)`` runs: WinAnsi characters in ``latin``, the
    rest in the CJK font. Spaces join the run they sit in, so runs stay few."""
    result: list[tuple[str, str]] = []
    current_font = ""
    current: list[str] = []
    for char in text:
        if char == " " and current:
            current.append(char)
            continue
        font = latin if _is_latin(char) else CJK
        if font != current_font and current:
            result.append((current_font, "".join(current)))
            current = []
        current_font = font
        current.append(char)
    if current:
        result.append((current_font, "".join(current)))
    return tuple(result)


def has_cjk(text: str) -> bool:
    return any(not _is_latin(char) for char in text)


@lru_cache(maxsize=4096)
def markup(text: str) -> str:
    """Paragraph markup for plain ``text``: XML-escaped, CJK runs wrapped in a font tag.

    Latin runs take the paragraph style's font (regular or bold); the CJK font has one
    weight, so Chinese in a bold style stays regular (headings fake it, see ``blocks``)."""
    parts: list[str] = []
    for font, chunk in runs(text):
        body = escape(chunk).replace("\n", "<br/>")
        parts.append(f'<font name="{CJK}">{body}</font>' if font == CJK else body)
    return "".join(parts)


@lru_cache(maxsize=8192)
def string_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width in points of ``text`` set with ``runs``."""
    latin = LATIN_BOLD if bold else LATIN
    return float(
        sum(pdfmetrics.stringWidth(chunk, font, size) for font, chunk in runs(text, latin))
    )
