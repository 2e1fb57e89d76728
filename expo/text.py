"""Text exhibitors write for visitors: Markdown in, sanitised HTML out."""

from __future__ import annotations

from html import unescape

import nh3
from markdown_it import MarkdownIt

# Raw HTML in the source is shown as text, never interpreted; nh3 then removes anything unsafe
# the Markdown itself could produce (javascript: links, event attributes), defence in depth.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}
# Visitors' pages use h1/h2 themselves; an exhibitor's headings start one level below.
HEADING_SHIFT = {"<h1>": "<h3>", "</h1>": "</h3>", "<h2>": "<h4>", "</h2>": "</h4>"}
MAX_MARKDOWN_LENGTH = 20_000


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
