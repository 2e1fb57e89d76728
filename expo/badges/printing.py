"""Badges as a PDF: one per page (A6, A7) or on sheets of labels, names in any script, QR codes as vectors.

Drawn with fpdf2, which shapes text with HarfBuzz (Thai marks stack, Vietnamese diacritics sit
right) and embeds only the glyphs used, one badge at a time, so the worker can report its progress.
WeasyPrint renders the same badge from HTML and CSS, but lays the whole document out at once and
took twice the CPU time for two thousand badges (70 s against 32 s, bench/badge_pdf.py).

Fonts are the Noto families Debian packages (fonts-noto-core, fonts-noto-cjk), found through
fontconfig: Noto Sans for Latin and Vietnamese, Noto Sans Thai, Noto Sans CJK SC for Chinese. A
file embeds only the faces its text needs, and Chinese is set in one face (bold): reading the CJK
font and cutting it down to the characters used costs about two seconds a face, for any number of
badges, which the help desk's one badge would otherwise wait for twice.
"""

from __future__ import annotations

import logging
import re
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

import segno
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from expo.badges.models import Badge
from expo.editions.models import Edition
from expo.i18n import country_name, date_range

# fontTools tells of every glyph it keeps when fpdf2 embeds a font: thousands of lines per print.
logging.getLogger("fontTools").setLevel(logging.WARNING)


class BadgeFontsMissing(RuntimeError):
    """The fonts badges are printed in are not installed on this machine."""


# --- sizes ---------------------------------------------------------------------------------------

INCH = 25.4


@dataclass(frozen=True)
class Layout:
    """Where badges go on a page, in millimetres: ``columns`` × ``rows`` badges of ``width`` ×
    ``height`` from (``left``, ``top``), touching (label sheets are die-cut without gaps)."""

    key: str
    label: object  # a lazy string
    page_width: float
    page_height: float
    width: float
    height: float
    columns: int = 1
    rows: int = 1
    left: float = 0
    top: float = 0

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def landscape(self) -> bool:
        return self.width > self.height


LAYOUTS = {
    layout.key: layout
    for layout in (
        Layout("a6", _l("A6 card (105 × 148 mm), one per page"), 105, 148, 105, 148),
        Layout("a7", _l("A7 card (74 × 105 mm), one per page"), 74, 105, 74, 105),
        # Avery 5392 and its like: six 4 × 3 in badges on US Letter, a 1 in top and ¼ in side margin.
        Layout(
            "label_4x3in",
            _l("4 × 3 in labels, 6 per US Letter sheet"),
            8.5 * INCH,
            11 * INCH,
            4 * INCH,
            3 * INCH,
            columns=2,
            rows=3,
            left=0.25 * INCH,
            top=1 * INCH,
        ),
        # Ten business-card labels on A4, as Herma, Avery Zweckform and others sell them.
        Layout(
            "label_90x55",
            _l("90 × 55 mm labels, 10 per A4 sheet"),
            210,
            297,
            90,
            55,
            columns=2,
            rows=5,
            left=15,
            top=11,
        ),
    )
}


def layout_choices() -> list[tuple[str, str]]:
    return [(layout.key, str(layout.label)) for layout in LAYOUTS.values()]


# --- what is printed -----------------------------------------------------------------------------

EDITION_COLOUR = (10, 68, 81)  # the house teal (#0a4451)
ROLE_COLOURS = {
    Badge.Role.ORGANIZER: (179, 38, 30),
    Badge.Role.STAFF: (191, 84, 0),
    Badge.Role.SPEAKER: (106, 27, 154),
    Badge.Role.HOSTED_BUYER: (133, 94, 0),
    Badge.Role.EXHIBITOR: (21, 101, 192),
    Badge.Role.DELEGATE: (10, 110, 70),
}
GREY = (90, 90, 90)
PT = 25.4 / 72  # a point in millimetres
LEADING = 1.2


@dataclass(frozen=True)
class PrintedBadge:
    """One badge's printed text, already in the language of the print."""

    name: str
    company: str
    country: str
    role: Badge.Role
    role_label: str
    payload: str


def printed(badges: Iterable[Badge]) -> list[PrintedBadge]:
    """The text of each badge, in the current language (call inside ``force_locale``)."""
    return [
        PrintedBadge(
            name=badge.name,
            company=badge.company,
            country=country_name(badge.country) if badge.country else "",
            role=Badge.Role(badge.role),
            role_label=Badge.Role(badge.role).label,
            payload=badge.payload,
        )
        for badge in badges
    ]


# --- fonts ---------------------------------------------------------------------------------------

FONT_PATTERNS = {
    "sans": "Noto Sans",
    "thai": "Noto Sans Thai",
    "cjk": "Noto Sans CJK SC",
}
CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
THAI = re.compile(r"[\u0e00-\u0e7f]")


@cache
def font_files() -> dict[tuple[str, str], tuple[str, int]]:
    """(family, "" or "B") -> (file, index in a collection), asked of fontconfig once per process."""
    found = {}
    for family, pattern in FONT_PATTERNS.items():
        for style, weight in (("", "Regular"), ("B", "Bold")):
            try:
                answer = subprocess.run(
                    ["fc-match", "--format=%{file}|%{index}|%{family[0]}", f"{pattern}:style={weight}"],
                    capture_output=True,
                    text=True,
                    timeout=10,
                    check=True,
                ).stdout
            except (OSError, subprocess.SubprocessError) as exc:
                raise BadgeFontsMissing(f"fontconfig cannot be asked for {pattern}: {exc}") from exc
            path, index, name = (answer.split("|") + ["", "", ""])[:3]
            if name != pattern:
                raise BadgeFontsMissing(
                    f"the font {pattern!r} is not installed (fontconfig offers {name!r}): install Debian's "
                    "fonts-noto-core and fonts-noto-cjk"
                )
            found[(family, style)] = (path, int(index or 0))
    return found


def _family_for(text: str) -> str:
    if CJK.search(text):
        return "cjk"
    if THAI.search(text):
        return "thai"
    return "sans"


# --- drawing -------------------------------------------------------------------------------------


class BadgeSheet:
    """A PDF of badges in one layout; ``add`` draws the next badge, ``output`` ends the file.
    ``texts`` is every text the file will hold, so that only the fonts it needs are read."""

    def __init__(self, layout: Layout, edition: Edition, texts: Iterable[str]):
        # fpdf2 brings fontTools, HarfBuzz, lxml and numpy with it (some 40 MB): imported here, where a
        # print is made (the worker, the help desk's one badge), not in every web process at start.
        from fpdf import FPDF

        self.layout = layout
        pdf = FPDF(unit="mm", format=(layout.page_width, layout.page_height))
        pdf.set_auto_page_break(False)
        pdf.set_margin(0)
        pdf.c_margin = 0
        self.edition_name = edition.name
        self.edition_dates = f"{date_range(edition.starts_on, edition.ends_on)}" + (
            f" · {edition.city}" if edition.city else ""
        )
        families = {"sans"} | {_family_for(text) for text in [*texts, self.edition_name, self.edition_dates]}
        files = font_files()
        for family in sorted(families):
            for style in ("B",) if family == "cjk" else ("", "B"):
                path, index = files[(family, style)]
                pdf.add_font(family, style, path, collection_font_number=index)
        pdf.set_fallback_fonts([family for family in FONT_PATTERNS if family in families], exact_match=False)
        pdf.set_text_shaping(True)
        pdf.set_title(edition.name)
        pdf.set_creator("Expo")
        self.pdf = pdf
        self.count = 0
        self.fitted: dict[tuple, tuple[float, list[str]]] = {}

    def add(self, badge: PrintedBadge) -> None:
        layout = self.layout
        slot = self.count % layout.per_page
        if slot == 0:
            self.pdf.add_page()
        x = layout.left + (slot % layout.columns) * layout.width
        y = layout.top + (slot // layout.columns) * layout.height
        if layout.landscape:
            self._landscape(badge, x, y, layout.width, layout.height)
        else:
            self._portrait(badge, x, y, layout.width, layout.height)
        self.count += 1

    def output(self) -> bytes:
        return bytes(self.pdf.output())

    # --- the two shapes of badge

    def _portrait(self, badge: PrintedBadge, x: float, y: float, w: float, h: float) -> None:
        scale = w / 105
        pad = 7 * scale
        top_band = 17 * scale
        role_band = 15 * scale
        self._edition_band(x, y, w, top_band, scale)
        text_width = w - 2 * pad
        cursor = y + top_band + 8 * scale
        cursor = self._fit(badge.name, x + pad, cursor, text_width, 26 * scale, 13 * scale, 2, bold=True)
        if badge.company:
            cursor = self._fit(badge.company, x + pad, cursor + 2 * scale, text_width, 14 * scale, 9 * scale, 2)
        if badge.country:
            self._fit(badge.country, x + pad, cursor + 1.5 * scale, text_width, 11 * scale, 8 * scale, 1, colour=GREY)
        qr_size = min(48 * scale, w - 2 * pad)
        qr_bottom = y + h - role_band - 6 * scale
        self._qr(badge.payload, x + (w - qr_size) / 2, qr_bottom - qr_size, qr_size)
        self._role_band(badge, x, y + h - role_band, w, role_band, 16 * scale)

    def _landscape(self, badge: PrintedBadge, x: float, y: float, w: float, h: float) -> None:
        scale = h / 76.2
        pad = 5 * scale
        top_band = 11 * scale
        role_band = 11 * scale
        self._edition_band(x, y, w, top_band, scale * 0.75)
        qr_size = h - top_band - role_band - 2 * pad
        text_width = w - 3 * pad - qr_size
        cursor = y + top_band + pad
        cursor = self._fit(badge.name, x + pad, cursor, text_width, 20 * scale, 10 * scale, 2, bold=True)
        if badge.company:
            cursor = self._fit(badge.company, x + pad, cursor + 1.5 * scale, text_width, 11 * scale, 7 * scale, 2)
        if badge.country:
            self._fit(badge.country, x + pad, cursor + 1 * scale, text_width, 9 * scale, 6.5 * scale, 1, colour=GREY)
        self._qr(badge.payload, x + w - pad - qr_size, y + top_band + pad, qr_size)
        self._role_band(badge, x, y + h - role_band, w, role_band, 12 * scale)

    # --- parts

    def _edition_band(self, x: float, y: float, w: float, h: float, scale: float) -> None:
        pdf = self.pdf
        pdf.set_fill_color(*EDITION_COLOUR)
        pdf.rect(x, y, w, h, style="F")
        pad = 5 * scale
        size = 12 * scale
        self._fit(
            self.edition_name,
            x + pad,
            y + h * 0.14,
            w - 2 * pad,
            size,
            size * 0.7,
            1,
            bold=True,
            colour=(255, 255, 255),
        )
        self._fit(
            self.edition_dates,
            x + pad,
            y + h * 0.56,
            w - 2 * pad,
            size * 0.75,
            size * 0.6,
            1,
            colour=(255, 255, 255),
        )

    def _role_band(self, badge: PrintedBadge, x: float, y: float, w: float, h: float, size: float) -> None:
        pdf = self.pdf
        pdf.set_fill_color(*ROLE_COLOURS[badge.role])
        pdf.rect(x, y, w, h, style="F")
        label = badge.role_label.upper()
        self._set_font(label, size, bold=True)
        pdf.set_text_color(255, 255, 255)
        pdf.set_xy(x, y)
        pdf.cell(w, h, label, align="C")

    def _set_font(self, text: str, size_pt: float, bold: bool = False) -> None:
        family = _family_for(text)
        self.pdf.set_font(family, "B" if bold or family == "cjk" else "", size_pt)

    def _fit(
        self,
        text: str,
        x: float,
        y: float,
        width: float,
        largest: float,
        smallest: float,
        max_lines: int,
        *,
        bold: bool = False,
        colour: tuple[int, int, int] = (0, 0, 0),
    ) -> float:
        """Write ``text`` at the largest size from ``largest`` down to ``smallest`` (points) that fits
        ``width`` in ``max_lines`` lines (the last line cut with an ellipsis if nothing fits); the
        y below it. What fits is remembered: the edition's name is on every badge."""
        key = (text, width, largest, smallest, max_lines, bold)
        fitted = self.fitted.get(key)
        if fitted is None:
            fitted = self.fitted[key] = self._choose_size(text, width, largest, smallest, max_lines, bold)
        size, lines = fitted
        pdf = self.pdf
        self._set_font(text, size, bold)
        pdf.set_text_color(*colour)
        line_height = size * PT * LEADING
        for number, line in enumerate(lines):
            pdf.set_xy(x, y + number * line_height)
            pdf.cell(width, line_height, line)
        return y + len(lines) * line_height

    def _choose_size(
        self, text: str, width: float, largest: float, smallest: float, max_lines: int, bold: bool
    ) -> tuple[float, list[str]]:
        """(size, lines): one measurement when the text fits on one line, as most do; line breaking
        (fpdf2's, by words, by characters for Chinese) only when it cannot."""
        from fpdf.enums import MethodReturnValue, WrapMode  # fpdf is imported where a print is made

        pdf = self.pdf
        wrap = WrapMode.CHAR if CJK.search(text) else WrapMode.WORD
        size = largest
        while True:
            self._set_font(text, size, bold)
            one_line = pdf.get_string_width(text)
            if one_line <= width:
                return size, [text]
            if max_lines > 1 and one_line <= width * max_lines:
                lines = pdf.multi_cell(
                    width, size * PT, text, dry_run=True, output=MethodReturnValue.LINES, wrapmode=wrap, align="L"
                )
                if len(lines) <= max_lines:
                    return size, [line.strip() for line in lines]
            if size <= smallest:
                break
            size = max(smallest, size * 0.9)
        # Nothing fits: as much as fits in max_lines, then an ellipsis.
        if max_lines > 1:
            lines = pdf.multi_cell(
                width, size * PT, text, dry_run=True, output=MethodReturnValue.LINES, wrapmode=wrap, align="L"
            )
            lines = [line.strip() for line in lines[:max_lines]]
        else:
            lines = [text]
        last = lines[-1]
        while last and pdf.get_string_width(last + "…") > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
        return size, lines

    def _qr(self, payload: str, x: float, y: float, size: float) -> None:
        """The code as filled rectangles (one per run of dark modules in a row): sharp at any size."""
        matrix = segno.make(payload, error="m", micro=False).matrix
        modules = len(matrix) + 4  # two modules of quiet zone each side, inside ``size``
        step = size / modules
        pdf = self.pdf
        pdf.set_fill_color(255, 255, 255)
        pdf.rect(x, y, size, size, style="F")
        pdf.set_fill_color(0, 0, 0)
        for row_number, row in enumerate(matrix):
            top = y + (row_number + 2) * step
            column = 0
            while column < len(row):
                if not row[column]:
                    column += 1
                    continue
                start = column
                while column < len(row) and row[column]:
                    column += 1
                pdf.rect(x + (start + 2) * step, top, (column - start) * step, step, style="F")


def render(
    layout: Layout,
    edition: Edition,
    badges: list[PrintedBadge],
    *,
    progress: Callable[[int], None] | None = None,
    every: int = 100,
) -> bytes:
    """The PDF of ``badges`` in ``layout``; ``progress(done)`` is called every ``every`` badges."""
    texts = [text for badge in badges for text in (badge.name, badge.company, badge.country, badge.role_label)]
    sheet = BadgeSheet(layout, edition, texts)
    for number, badge in enumerate(badges, start=1):
        sheet.add(badge)
        if progress is not None and number % every == 0:
            progress(number)
    return sheet.output()


def render_badges(layout: Layout, edition: Edition, badges: Iterable[Badge], language: str) -> bytes:
    """A small print, at once: the badges' text in ``language``."""
    with force_locale(language):
        texts = printed(badges)
        return render(layout, edition, texts)
