"""Text exhibitors write for visitors: Markdown in, sanitised HTML out; one-line values kept to one line."""

from __future__ import annotations

import re
from html import unescape

import nh3
from markdown_it import MarkdownIt

# Raw HTML in the source is shown as text, never interpreted; nh3 then removes anything unsafe
# the Markdown itself could produce (javascript: links, event attributes), defence in depth.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
# Visitors' pages use h1/h2 themselves; an exhibitor's headings start one level below.
HEADING_SHIFT = {"<h1>": "<h3>", "</h1>": "</h3>", "<h2>": "<h4>", "</h2>": "</h4>"}
MAX_MARKDOWN_LENGTH = 20_000
# What ends a line somewhere (str.splitlines, e-mail headers) or is no text at all: C0 and C1
# controls (CR, LF, tab, NEL U+0085, ...), DEL, and the line and paragraph separators (U+2028,
# U+2029), which a browser keeps in a text field when they are pasted.
_LINE_BREAKS_AND_CONTROLS = re.compile("\\s*[\x00-\x1f\x7f-\x9f\u2028\u2029]+\\s*")


def one_line(value):
    """A name or title as one line: line breaks and control characters (with the spaces around
    them) become one space, and the ends are stripped.

    Used as a form filter on names (None passes through) and when a value goes into an e-mail
    header, where any line break makes the message unsendable.
    """
    if not isinstance(value, str):
        return value
    return _LINE_BREAKS_AND_CONTROLS.sub(" ", value).strip()


def render_markdown(source: str) -> str:
    """Sanitised HTML for ``source``; safe to mark ``|safe`` in a template."""
    html = _markdown.render(source or "")
    for tag, replacement in HEADING_SHIFT.items():
        html = html.replace(tag, replacement)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )


def plain_text(source: str, limit: int = 300) -> str:
    """A short plain-text summary of Markdown (meta descriptions, cards)."""
    # Without tags, nh3 still escapes; unescape so the template's own escaping applies once.
    text = " ".join(unescape(nh3.clean(_markdown.render(source or ""), tags=set())).split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
