"""Links: absolute ones for e-mails, built from BASE_URL so they work from workers and behind
proxies, and the same link repeated down a long list."""

from __future__ import annotations

from urllib.parse import quote, quote_plus, urlsplit

from flask import current_app, g, url_for


def external_url(endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, url_scheme=base.scheme or "http", script_name=base.path or "/")
    return adapter.build(endpoint, values, force_external=True)


def site_path(endpoint: str, **values) -> str:
    """A link within the site ("/my/tickets/12"), buildable by a worker outside any request."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/")
    return adapter.build(endpoint, values)


def safe_next_path(target: str | None) -> str | None:
    """Only same-site paths, so a crafted link cannot bounce a fresh log-in to another site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


# How werkzeug quotes a value in a path segment (routing.converters.BaseConverter.to_url) and in the
# query string (werkzeug.urls._urlencode): row_url writes the addresses url_for writes.
_PATH_SAFE = "!$&'()*+,/:;=@"
_QUERY_SAFE = "!$'()*,/:;?@"
# Stand-ins url_for carries through any converter and any quoting unchanged: digits for numbers
# (an int converter takes nothing else), letters for text.
_NUMBER_STAND_IN = 918_273_640_000


def row_url(endpoint: str, **values: str | int) -> str:
    """url_for(endpoint, **values) for a link every row of a long list repeats with its own values.

    A search page's 24 product cards asked url_for for some 100 links: over 1 ms of CPU, werkzeug
    searching the URL map and checking defaults each time. Here url_for builds the address once per
    request, with stand-ins for the values, and each row's values are quoted into it. The values are
    whole numbers or text, none of them None; the endpoint's url_defaults must not depend on them.
    """
    shape = (endpoint, *values)
    patterns = g.setdefault("expo_row_urls", {})
    pattern = patterns.get(shape)
    if pattern is None:
        pattern = patterns[shape] = _url_pattern(endpoint, values)
    return "".join(text if name is None else _quoted(values[name], in_query) for text, name, in_query in pattern)


def _url_pattern(endpoint: str, values: dict[str, str | int]) -> list[tuple[str, str | None, bool]]:
    """The address in pieces: (literal text, None, _) and (_, the value's name, whether it is in the query)."""
    stand_ins: dict[str, str | int] = {
        name: _NUMBER_STAND_IN + index if isinstance(value, int) else f"expoRowValue{index}x"
        for index, (name, value) in enumerate(values.items())
    }
    address = url_for(endpoint, **stand_ins)
    query_starts = address.find("?") if "?" in address else len(address)
    found = sorted((address.index(str(value)), name, str(value)) for name, value in stand_ins.items())
    pattern, done = [], 0
    for at, name, text in found:
        pattern.append((address[done:at], None, False))
        pattern.append(("", name, at > query_starts))
        done = at + len(text)
    pattern.append((address[done:], None, False))
    return pattern


def _quoted(value: str | int, in_query: bool) -> str:
    if isinstance(value, int):
        return str(value)
    if value.isascii() and value.replace("-", "").isalnum():
        return value  # a slug: nothing to quote (and quoting is most of a link's cost)
    return quote_plus(value, safe=_QUERY_SAFE) if in_query else quote(value, safe=_PATH_SAFE)
