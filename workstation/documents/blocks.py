"""Building blocks every document is made of, and the deterministic PDF builder.

Owns the page geometry, paragraph styles, the flowables the agreement and the letters share
(titles, section headings, label/value tables, bilingual text, statements, signature
blocks) and ``build_pdf``, which lays a story out on A4 and decorates every page with the
reference, "page x of y", the content SHA-256 and, for specimens, a watermark.

Determinism: reportlab runs in ``invariant`` mode and the PDF's dates are pinned to the
document's own date (never the clock, never ``SOURCE_DATE_EPOCH``), and the metadata is
fixed, so the same story gives the same bytes on every machine.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from workstation.documents import fonts
from workstation.documents.texts import DocumentLanguage, Statement, fill, label
from workstation.text import Text, is_chinese

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 16 * mm
MARGIN_BOTTOM = 22 * mm  # room for the two-line footer
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

INK = colors.HexColor("#1A1A1A")
ACCENT = colors.HexColor("#1F3A5F")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#9AA5B1")
HEADER_FILL = colors.HexColor("#E4EAF1")
RULE_LIGHT = colors.HexColor("#D5DCE4")
STRIPE_FILL = colors.HexColor("#F5F7FA")

BODY_SIZE = 9.0
SMALL_SIZE = 7.5
TABLE_SIZE = 8.5

PRODUCER = "Collector Workstation documents"


# --- styles ------------------------------------------------------------------------------


def _style(name: str, **overrides: Any) -> ParagraphStyle:
    base: dict[str, Any] = {
        "fontName": fonts.LATIN,
        "fontSize": BODY_SIZE,
        "leading": BODY_SIZE * 1.4,
        "textColor": INK,
        "alignment": TA_LEFT,
        "spaceBefore": 0,
        "spaceAfter": 0,
    }
    base.update(overrides)
    return ParagraphStyle(name, **base)


@dataclass(frozen=True, slots=True)
class Styles:
    body_en: ParagraphStyle
    body_zh: ParagraphStyle
    small_en: ParagraphStyle
    small_zh: ParagraphStyle
    strong_en: ParagraphStyle
    strong_zh: ParagraphStyle
    label_en: ParagraphStyle
    label_zh: ParagraphStyle
    cell_header: ParagraphStyle
    cell_header_right: ParagraphStyle
    cell_header_zh: ParagraphStyle
    cell_header_zh_right: ParagraphStyle


def _make_styles() -> Styles:
    fonts.register_fonts()
    return Styles(
        body_en=_style("body_en"),
        body_zh=_style("body_zh", wordWrap="CJK", leading=BODY_SIZE * 1.55),
        small_en=_style("small_en", fontSize=SMALL_SIZE, leading=SMALL_SIZE * 1.35),
        small_zh=_style("small_zh", fontSize=SMALL_SIZE, leading=SMALL_SIZE * 1.5, wordWrap="CJK"),
        strong_en=_style("strong_en", fontName=fonts.LATIN_BOLD, textColor=ACCENT),
        strong_zh=_style("strong_zh", textColor=ACCENT, wordWrap="CJK"),
        label_en=_style("label_en", textColor=INK, leading=BODY_SIZE * 1.3),
        label_zh=_style(
            "label_zh",
            fontSize=BODY_SIZE - 1,
            textColor=MUTED,
            leading=BODY_SIZE * 1.35,
            wordWrap="CJK",
        ),
        cell_header=_style(
            "cell_header",
            fontName=fonts.LATIN_BOLD,
            fontSize=TABLE_SIZE,
            leading=TABLE_SIZE * 1.25,
            textColor=ACCENT,
        ),
        cell_header_right=_style(
            "cell_header_right",
            fontName=fonts.LATIN_BOLD,
            fontSize=TABLE_SIZE,
            leading=TABLE_SIZE * 1.25,
            textColor=ACCENT,
            alignment=TA_RIGHT,
        ),
        cell_header_zh=_style(
            "cell_header_zh",
            fontSize=TABLE_SIZE,
            leading=TABLE_SIZE * 1.35,
            textColor=ACCENT,
            wordWrap="CJK",
        ),
        cell_header_zh_right=_style(
            "cell_header_zh_right",
            fontSize=TABLE_SIZE,
            leading=TABLE_SIZE * 1.35,
            textColor=ACCENT,
            wordWrap="CJK",
            alignment=TA_RIGHT,
        ),
    )


_styles: Styles | None = None


def styles() -> Styles:
    global _styles  # noqa: PLW0603 - built once, after the fonts are registered
    if _styles is None:
        _styles = _make_styles()
    return _styles


def paragraph(text: str, style: ParagraphStyle) -> Flowable:
    """A paragraph of plain text. Chinese-style paragraphs (``wordWrap="CJK"``) are broken
    into lines here (``CJKText``); others are reportlab ``Paragraph``s with the Chinese runs
    set in the CJK font."""
    if style.wordWrap == "CJK":
        return CJKText(text, style)
    return Paragraph(fonts.markup(text), style)


# Chinese line-breaking (禁则): these never start a line, those never end one.
_NO_LINE_START = frozenset("，。、：；！？）】」』》〉”’…,.;:!?)%")
_NO_LINE_END = frozenset("（【「『《〈“‘(")


def _break_units(text: str) -> list[str]:
    """Units a Chinese line may break between: each Han character, each Latin word with
    its trailing spaces, each newline."""
    units: list[str] = []
    word: list[str] = []
    for char in text:
        if char == "\n":
            if word:
                units.append("".join(word))
                word = []
            units.append("\n")
        elif char == " ":
            word.append(char)
            units.append("".join(word))
            word = []
        elif fonts.has_cjk(char):
            if word:
                units.append("".join(word))
                word = []
            units.append(char)
        else:
            word.append(char)
    if word:
        units.append("".join(word))
    return units


def break_lines(text: str, size: float, width: float) -> list[str]:
    """Greedy line breaking for Chinese (mixed with Latin words, digits and amounts)."""
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    for unit in _break_units(text):
        if unit == "\n":
            lines.append("".join(current).rstrip())
            current, used = [], 0.0
            continue
        unit_width = fonts.string_width(unit, size)
        fits = used + unit_width <= width + 0.01
        if current and not fits and unit[0] not in _NO_LINE_START:
            carried: list[str] = []
            while current and current[-1][-1] in _NO_LINE_END:
                carried.insert(0, current.pop())
            if not current:  # nothing to leave behind: keep the line whole
                current, carried = carried, []
            lines.append("".join(current).rstrip())
            current = carried
            used = sum(fonts.string_width(piece, size) for piece in current)
        if not current and not unit.strip():
            continue  # a space never starts a line
        current.append(unit)
        used += unit_width
    if current:
        lines.append("".join(current).rstrip())
    return lines


class CJKText(Flowable):  # type: ignore[misc]
    """A paragraph of Chinese (with Latin words, numbers and amounts inside) broken into
    lines by ``break_lines`` and drawn run by run. reportlab's own CJK wrapping handles
    mixed fonts one character object at a time and cost half of an agreement's render."""

    def __init__(self, text: str, style: ParagraphStyle, lines: list[str] | None = None) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self._lines = lines
        self._width = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if self._lines is None or avail_width != self._width:
            self._lines = break_lines(self.text, self.style.fontSize, avail_width)
        self._width = avail_width
        return avail_width, len(self._lines) * float(self.style.leading)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        assert self._lines is not None
        fit = int(avail_height // self.style.leading)
        if fit <= 0 or fit >= len(self._lines):
            return []
        return [
            CJKText("\n".join(self._lines[:fit]), self.style, self._lines[:fit]),
            CJKText("\n".join(self._lines[fit:]), self.style, self._lines[fit:]),
        ]

    def draw(self) -> None:
        assert self._lines is not None
        style = self.style
        leading = float(style.leading)
        top = len(self._lines) * leading
        x, align = 0.0, "left"
        if style.alignment == TA_RIGHT:
            x, align = self._width, "right"
        for index, line in enumerate(self._lines):
            baseline = top - index * leading - style.fontSize
            draw_runs(
                self.canv, x, baseline, line, style.fontSize, align=align, color=style.textColor
            )


class FitText(Flowable):  # type: ignore[misc]
    """Text in a paragraph style that is drawn as one line when it fits and becomes a real
    ``Paragraph`` only when it must wrap. Most table cells are short: skipping the paragraph
    machinery for them halves the time an agreement takes to render."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self._paragraph: Flowable | None = None
        self._width = 0.0

    def _fits(self, avail_width: float) -> bool:
        if "\n" in self.text:
            return False
        bold = self.style.fontName == fonts.LATIN_BOLD
        return fonts.string_width(self.text, self.style.fontSize, bold=bold) <= avail_width

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._width = avail_width
        if self._fits(avail_width):
            self._paragraph = None
            return avail_width, float(self.style.leading)
        if self._paragraph is None:
            self._paragraph = paragraph(self.text, self.style)
        width, height = self._paragraph.wrap(avail_width, avail_height)
        return float(width), float(height)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        if self._paragraph is None:
            return []
        return list(self._paragraph.split(avail_width, avail_height))

    def draw(self) -> None:
        if self._paragraph is not None:
            self._paragraph.drawOn(self.canv, 0, 0)
            return
        style = self.style
        # Where Paragraph puts a first baseline: the line's leading less the font size.
        baseline = style.leading - style.fontSize
        x, align = 0.0, "left"
        if style.alignment == TA_RIGHT:
            x, align = self._width, "right"
        draw_runs(
            self.canv,
            x,
            baseline,
            self.text,
            style.fontSize,
            bold=style.fontName == fonts.LATIN_BOLD,
            align=align,
            color=style.textColor,
        )


def fit_text(text: str, style: ParagraphStyle) -> Flowable:
    return FitText(text, style)


def _pair(code: str, en: ParagraphStyle, zh: ParagraphStyle) -> ParagraphStyle:
    return zh if is_chinese(code) else en


def bilingual(
    text: Text,
    language: DocumentLanguage,
    *,
    en: ParagraphStyle | None = None,
    zh: ParagraphStyle | None = None,
) -> list[Flowable]:
    """``text`` in each printed language, one paragraph per language (English first)."""
    s = styles()
    style_en = en or s.body_en
    style_zh = zh or s.body_zh
    return [paragraph(text.get(code), _pair(code, style_en, style_zh)) for code in language.codes]


def label_cell(text: Text, language: DocumentLanguage) -> list[Flowable]:
    """A label: English on top, the Chinese below in a smaller grey (or just one language)."""
    s = styles()
    if language is DocumentLanguage.BOTH:
        return [fit_text(text.en, s.label_en), fit_text(text.zh, s.label_zh)]
    code = language.codes[0]
    return [fit_text(text.get(code), s.body_zh if is_chinese(code) else s.label_en)]


def value_cell(value: Text | str, language: DocumentLanguage) -> list[Flowable]:
    s = styles()
    if isinstance(value, str):
        return [fit_text(value, s.body_zh if fonts.has_cjk(value) else s.body_en)]
    codes = language.codes
    if len(codes) == 2 and value.en == value.zh:
        codes = ("en",)
    return [fit_text(value.get(code), _pair(code, s.body_en, s.body_zh)) for code in codes]


def header_cell(text: Text, language: DocumentLanguage, *, right: bool = False) -> list[Flowable]:
    s = styles()
    en = s.cell_header_right if right else s.cell_header
    zh = s.cell_header_zh_right if right else s.cell_header_zh
    return [fit_text(text.get(code), _pair(code, en, zh)) for code in language.codes]


# --- lines drawn straight on the canvas --------------------------------------------------


def draw_runs(
    canv: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    bold: bool = False,
    align: str = "left",
    color: colors.Color = INK,
) -> float:
    """Draw one line of mixed-script text; returns its width. Bold Chinese is faked with a
    thin outline (the CJK font has one weight), which reads as bold on paper and screen."""
    width = fonts.string_width(text, size, bold=bold)
    if align == "right":
        x -= width
    elif align == "center":
        x -= width / 2
    latin = fonts.LATIN_BOLD if bold else fonts.LATIN
    canv.saveState()
    canv.setFillColor(color)
    canv.setStrokeColor(color)
    for font, chunk in fonts.runs(text, latin):
        fake_bold = bold and font == fonts.CJK
        text_object = canv.beginText(x, y)
        text_object.setFont(font, size)
        if fake_bold:
            canv.setLineWidth(size * 0.035)
            text_object.setTextRenderMode(2)
        text_object.textOut(chunk)
        canv.drawText(text_object)
        x += pdfmetrics.stringWidth(chunk, font, size)
    canv.restoreState()
    return width


class TextLine(Flowable):  # type: ignore[misc]
    """A single line of (possibly bold, mixed-script) text: titles and section headings."""

    def __init__(
        self,
        text: str,
        size: float,
        *,
        bold: bool = True,
        color: colors.Color = ACCENT,
        space_before: float = 0,
        space_after: float = 0,
        rule: bool = False,
    ) -> None:
        super().__init__()
        self.text = text
        self.size = size
        self.bold = bold
        self.color = color
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self.rule = rule
        self._width = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._width = avail_width
        return avail_width, self.size * 1.35 + (3 if self.rule else 0)

    def draw(self) -> None:
        baseline = 3 + self.size * 0.3 if self.rule else self.size * 0.3
        draw_runs(self.canv, 0, baseline, self.text, self.size, bold=self.bold, color=self.color)
        if self.rule:
            self.canv.setStrokeColor(RULE)
            self.canv.setLineWidth(0.6)
            self.canv.line(0, 0.5, self._width, 0.5)


def title(text: Text, language: DocumentLanguage) -> list[Flowable]:
    """The document title: one line per language, the first larger."""
    lines: list[Flowable] = []
    for index, code in enumerate(language.codes):
        size = 18 if index == 0 else 13
        lines.append(TextLine(text.get(code), size, space_after=1))
    return lines


def section(number: int | None, text: Text, language: DocumentLanguage) -> list[Flowable]:
    """A numbered section heading with a rule under it: ``2  The account  借款账户``.

    It starts a new page when too little room is left for the heading and a few lines of
    what follows, so a heading is never stranded at the foot of a page."""
    words = "   ".join(text.get(code) for code in language.codes)
    prefix = f"{number}  " if number is not None else ""
    return [
        CondPageBreak(_HEADING_WITH_CONTENT),
        TextLine(prefix + words, 11, space_before=10, space_after=5, rule=True),
    ]


_HEADING_WITH_CONTENT = 110.0  # points: the heading plus about four table rows


# --- tables ------------------------------------------------------------------------------

CELL_PADDING = [
    ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
]


def key_values(
    rows: Sequence[tuple[Text, Text | str]],
    language: DocumentLanguage,
    *,
    columns: int = 2,
    width: float = CONTENT_WIDTH,
) -> Table:
    """Label / value pairs, e.g. ``Outstanding balance 未还余额 | ¥12,000.00``, laid out in
    ``columns`` side-by-side pairs (filled row by row) so short facts do not run for pages."""
    gap = 14.0
    pair = (width - gap * (columns - 1)) / columns
    label_share = 0.42 if columns == 1 else 0.5
    widths: list[float] = []
    for index in range(columns):
        if index:
            widths.append(gap)
        widths.extend([pair * label_share, pair * (1 - label_share)])
    cells = [(label_cell(key, language), value_cell(value, language)) for key, value in rows]
    data: list[list[Any]] = []
    for start in range(0, len(cells), columns):
        line: list[Any] = []
        for index in range(columns):
            if index:
                line.append("")
            if start + index < len(cells):
                line.extend(cells[start + index])
            else:
                line.extend(["", ""])
        data.append(line)
    table = Table(data, colWidths=widths, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [*CELL_PADDING]
    for index in range(columns):
        first = 3 * index
        commands.append(("LEFTPADDING", (first, 0), (first, -1), 0))
        if len(data) > 1:
            commands.append(("LINEBELOW", (first, 0), (first + 1, -2), 0.4, RULE_LIGHT))
    table.setStyle(TableStyle(commands))
    return table


def columns_table(
    header: Sequence[Text],
    rows: Sequence[Sequence[str]],
    language: DocumentLanguage,
    widths: Sequence[float],
    *,
    right_aligned: Sequence[int] = (),
    total_row: Sequence[str] | None = None,
) -> Table:
    """A data table (the schedule): bilingual header repeated on every page, plain-text rows
    in tabular Noto Sans (digits line up), striped, optional bold total row."""
    data: list[list[Any]] = [
        [header_cell(h, language, right=i in right_aligned) for i, h in enumerate(header)]
    ]
    data.extend(list(row) for row in rows)
    commands: list[tuple[Any, ...]] = [
        *CELL_PADDING,
        ("FONT", (0, 1), (-1, -1), fonts.LATIN, TABLE_SIZE, TABLE_SIZE * 1.2),
        ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE_FILL]),
        ("LINEBELOW", (0, -1), (-1, -1), 0.8, ACCENT),
    ]
    commands.extend(("ALIGN", (col, 1), (col, -1), "RIGHT") for col in right_aligned)
    if total_row is not None:
        # A total written in Chinese needs the CJK font: such cells become paragraphs.
        data.append([_plain_cell(text, col in right_aligned) for col, text in enumerate(total_row)])
        commands.extend(
            [
                ("SPAN", (0, -1), (1, -1)),
                ("FONT", (0, -1), (-1, -1), fonts.LATIN_BOLD, TABLE_SIZE, TABLE_SIZE * 1.2),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT),
                ("BACKGROUND", (0, -1), (-1, -1), HEADER_FILL),
            ]
        )
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


def _plain_cell(text: str, right: bool) -> Any:
    if not fonts.has_cjk(text):
        return text
    style = styles().cell_header_zh_right if right else styles().cell_header_zh
    return fit_text(text, style)


def statements_block(statements: Sequence[Statement], language: DocumentLanguage) -> Table:
    """Required statements. Bilingual: English and Chinese side by side, row by row."""
    s = styles()
    data: list[list[list[Flowable]]] = []
    for statement in statements:
        cells: list[list[Flowable]] = []
        for code in language.codes:
            heading = _pair(code, s.strong_en, s.strong_zh)
            body = _pair(code, s.body_en, s.body_zh)
            cells.append(
                [
                    fit_text(statement.title.get(code), heading),
                    paragraph(statement.text.get(code), body),
                ]
            )
        data.append(cells)
    count = len(language.codes)
    gap = 10.0 if count == 2 else 0.0
    width = (CONTENT_WIDTH - gap * (count - 1)) / count
    table = Table(data, colWidths=[width + (gap if i < count - 1 else 0) for i in range(count)])
    commands: list[tuple[Any, ...]] = [
        *CELL_PADDING,
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), gap),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]
    table.setStyle(TableStyle(commands))
    return table


def signature_block(parties: Sequence[tuple[Text, str]], language: DocumentLanguage) -> Table:
    """Side-by-side signature and date lines, one column per party (a table never splits
    inside a row, so the block stays whole; keep its heading with it via ``KeepTogether``)."""
    s = styles()
    columns: list[list[Flowable]] = []
    for heading, printed_name in parties:
        column: list[Flowable] = [
            fit_text(heading.joined(language), s.strong_zh if _zh_only(language) else s.strong_en)
        ]
        for key, prefill in (
            ("signature", ""),
            ("printed_name", printed_name),
            ("date_signed", ""),
        ):
            column.append(Spacer(1, 16 if key == "signature" else 8))
            column.append(_SignatureLine(label(key).joined(language), prefill))
        columns.append(column)
    gap = 24.0
    width = (CONTENT_WIDTH - gap) / 2
    table = Table([columns], colWidths=[width + gap, width])
    table.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), gap),
                ("RIGHTPADDING", (1, 0), (1, 0), 0),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _zh_only(language: DocumentLanguage) -> bool:
    return language is DocumentLanguage.ZH


class _SignatureLine(Flowable):  # type: ignore[misc]
    """``Signature / 签名  ______________`` with an optional pre-printed value on the line."""

    def __init__(self, caption: str, prefill: str) -> None:
        super().__init__()
        self.caption = caption
        self.prefill = prefill
        self._width = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._width = avail_width
        return avail_width, 14

    def draw(self) -> None:
        canv = self.canv
        caption_width = draw_runs(canv, 0, 3, self.caption, SMALL_SIZE + 0.5, color=MUTED)
        start = caption_width + 6
        canv.setStrokeColor(INK)
        canv.setLineWidth(0.5)
        canv.line(start, 1, self._width, 1)
        if self.prefill:
            draw_runs(canv, start + 3, 3.5, self.prefill, BODY_SIZE)


# --- the page decoration and the builder -------------------------------------------------


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    """A rendered PDF and its two hashes.

    ``sha256`` is the SHA-256 of the PDF bytes: the blob id it is stored and synced under.
    ``content_sha256`` is the SHA-256 of the canonical JSON of what the document says; it is
    printed in every page's footer (a PDF cannot contain the hash of its own bytes).
    """

    pdf: bytes
    sha256: str
    content_sha256: str
    pages: int


@dataclass(frozen=True, slots=True)
class PageDecor:
    """What every page of a document carries besides its story."""

    title: Text
    language: DocumentLanguage
    reference: str
    content_sha256: str
    issued_on: date
    author: str
    specimen: bool = False
    reference_label: str = "reference"  # a key of the label catalogue


def _pinned_timestamp(day: date) -> TimeStamp:
    """A reportlab timestamp fixed at the document's date, 00:00 UTC."""
    stamp = TimeStamp(invariant=1)
    seconds = calendar.timegm(day.timetuple())
    stamp.t = seconds
    stamp.lt = time.gmtime(seconds)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    stamp.tzname = "UTC"
    return stamp


def _pin_document_date(document: Any, day: date) -> None:
    """Pin the PDF's dates to ``day`` and restart the /ID fingerprint from it: reportlab
    seeds the fingerprint with the clock or ``SOURCE_DATE_EPOCH`` when it creates the
    document, which would make the bytes depend on the environment."""
    stamp = _pinned_timestamp(day)
    document._timeStamp = stamp
    signature = hashlib.md5(usedforsecurity=False)
    signature.update(b"a reportlab document")
    signature.update(ascii(stamp.t).encode("ascii"))
    document.signature = signature


def _canvas_class(decor: PageDecor, page_count: list[int]) -> Callable[..., Canvas]:
    class DecoratedCanvas(Canvas):  # type: ignore[misc]
        """Holds pages back until the end so each footer can say "page x of y"."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            _pin_document_date(self._doc, decor.issued_on)
            self._held_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held_pages)
            page_count.append(total)
            for number, state in enumerate(self._held_pages, start=1):
                self.__dict__.update(state)
                _decorate(self, decor, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return DecoratedCanvas


def _decorate(canv: Canvas, decor: PageDecor, page: int, pages: int) -> None:
    language = decor.language
    if decor.specimen:
        canv.saveState()
        canv.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canv.rotate(40)
        draw_runs(
            canv,
            0,
            0,
            label("specimen").joined(language),
            64,
            bold=True,
            align="center",
            color=colors.Color(0.75, 0.22, 0.17, alpha=0.12),
        )
        canv.restoreState()
    top = MARGIN_BOTTOM - 7 * mm
    canv.saveState()
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.5)
    canv.line(MARGIN_X, top + 9, PAGE_WIDTH - MARGIN_X, top + 9)
    size = SMALL_SIZE
    left = (
        f"{decor.title.joined(language)}  ·  "
        f"{label(decor.reference_label).joined(language)}: {decor.reference}"
    )
    draw_runs(canv, MARGIN_X, top, left, size, color=MUTED)
    page_text = fill(label("page"), page=page, pages=pages).joined(language)
    draw_runs(canv, PAGE_WIDTH - MARGIN_X, top, page_text, size, align="right", color=MUTED)
    digest = f"{label('content_hash').joined(language)}: {decor.content_sha256}"
    draw_runs(canv, MARGIN_X, top - size * 1.5, digest, size - 0.5, color=MUTED)
    canv.restoreState()


def build_pdf(story: list[Flowable], decor: PageDecor) -> tuple[bytes, int]:
    """Lay ``story`` out on A4 pages; returns the PDF bytes and the page count."""
    fonts.register_fonts()
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        invariant=1,
        title=f"{decor.title.joined(decor.language)} {decor.reference}",
        author=decor.author,
        subject=decor.reference,
        creator=PRODUCER,
        producer=PRODUCER,
        keywords=f"content-sha256:{decor.content_sha256}",
        lang="zh-CN" if decor.language is DocumentLanguage.ZH else "en",
    )
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        CONTENT_WIDTH,
        PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    page_count: list[int] = []
    document.build(story, canvasmaker=_canvas_class(decor, page_count))
    return buffer.getvalue(), page_count[-1]
