"""The Simplified Chinese catalogue covers every user-facing string, and Flask-Babel serves it.

The strings are extracted afresh from the code and templates at test time, with the same mapping
file (babel.cfg) and keywords as `pybabel extract`, so a developer who adds a string without
translating it is told which one, and how to fix it.
"""

from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages import frontend
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import get_babel

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MAPPING_FILE = PROJECT_ROOT / "babel.cfg"
TRANSLATIONS = PROJECT_ROOT / "expo" / "translations"
ZH_PO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po"

# Must match the -k options of `pybabel extract` (Makefile / README).
EXTRA_KEYWORDS = ["_l", "lazy_gettext", "lazy_ngettext:1,2", "lazy_pgettext:1c,2", "lazy_npgettext:1c,2,3"]
KEYWORDS = {**DEFAULT_KEYWORDS, **frontend.parse_keywords(EXTRA_KEYWORDS)}

HOW_TO_FIX = """\
Run, from the project root:
  .venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 \\
      -k lazy_pgettext:1c,2 -k lazy_npgettext:1c,2,3 --sort-by-file -o expo/translations/messages.pot .
  .venv/bin/pybabel update -i expo/translations/messages.pot -d expo/translations --no-fuzzy-matching
then write the Chinese in expo/translations/zh/LC_MESSAGES/messages.po (no "#, fuzzy" left) and
  .venv/bin/pybabel compile -d expo/translations -f --statistics
"""

NAMED_PLACEHOLDER = re.compile(r"%\(\w+\)[#0 +\-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
CJK = re.compile(r"[\u3400-\u9fff]")


def _parse_mapping(path: Path):
    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with path.open(encoding="utf-8") as fileobj:
        return parse(fileobj, str(path))


@lru_cache(maxsize=1)
def extracted_messages() -> dict[tuple[str | None, str | tuple[str, ...]], list[str]]:
    """{(context, msgid or (singular, plural)): ["path:line", ...]} for every marked string."""
    method_map, options_map = _parse_mapping(MAPPING_FILE)
    found: dict[tuple[str | None, str | tuple[str, ...]], list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(PROJECT_ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        if isinstance(message, (list, tuple)):
            message = tuple(message)
        if not (message[0] if isinstance(message, tuple) else message):
            continue  # _("") is not a message
        found.setdefault((context, message), []).append(f"{filename}:{lineno}")
    return found


def zh_catalog() -> Catalog:
    with ZH_PO.open("rb") as fileobj:
        return read_po(fileobj, locale="zh")


def _strings(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def _placeholders(text: str) -> tuple[list[str], int]:
    """The named placeholders, sorted, and how many other % signs there are (%% or stray)."""
    named = NAMED_PLACEHOLDER.findall(text)
    return sorted(named), NAMED_PLACEHOLDER.sub("", text).count("%")


def test_extraction_finds_python_and_template_strings():
    """Guards the mapping file: if a section stops matching, the other tests would pass vacuously."""
    places = {location.split(":")[0] for locations in extracted_messages().values() for location in locations}
    assert any(place.startswith("expo/") and place.endswith(".py") for place in places), places
    assert any(place.startswith("templates/") and place.endswith(".html") for place in places), places
    assert any(place.startswith("templates/email/") and place.endswith(".txt") for place in places), places
    ids = {msgid for _context, msgid in extracted_messages()}
    assert "Log in" in ids
    assert "Hello %(name)s," in ids  # a template string with a placeholder


def test_every_extracted_string_has_a_chinese_translation():
    catalog = zh_catalog()
    missing = []
    for (context, msgid), locations in sorted(extracted_messages().items(), key=lambda item: item[1][0]):
        entry = catalog.get(msgid, context=context)
        if entry is None:
            problem = "not in the catalogue"
        elif entry.fuzzy:
            problem = "marked fuzzy (check the guess, then delete the '#, fuzzy' line)"
        elif not all(_strings(entry)):
            problem = "has no translation"
        else:
            continue
        shown = msgid[0] if isinstance(msgid, tuple) else msgid
        context_note = f" [context {context!r}]" if context else ""
        missing.append(f"  {locations[0]}: {shown!r}{context_note} {problem}")
    assert not missing, (
        f"{len(missing)} user-facing string(s) lack a Simplified Chinese translation in "
        f"{ZH_PO.relative_to(PROJECT_ROOT)}:\n" + "\n".join(missing) + "\n\n" + HOW_TO_FIX
    )


def test_catalogue_has_no_fuzzy_or_empty_entries():
    catalog = zh_catalog()
    assert catalog.locale is not None and str(catalog.locale) == "zh"
    assert catalog.plural_forms == "nplurals=1; plural=0;"
    bad = [message.id for message in catalog if message.id and (message.fuzzy or not all(_strings(message)))]
    assert not bad, f"fuzzy or empty entries in {ZH_PO.name}: {bad}\n\n{HOW_TO_FIX}"


def test_translations_keep_every_placeholder():
    mismatched = []
    for message in zh_catalog():
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            # Chinese has one plural form; it stands for the plural English string.
            expected = _placeholders(message.id[1])
        else:
            expected = _placeholders(message.id)
        for translated in _strings(message):
            if translated and _placeholders(translated) != expected:
                mismatched.append(f"  {message.id!r}\n    -> {translated!r}")
    assert not mismatched, (
        "Translations must keep every %(name)s placeholder unchanged, and a literal % only where the "
        "English has one:\n" + "\n".join(mismatched)
    )


# --- Flask-Babel serves the catalogue -------------------------------------------------------------


def _compile_if_stale(po_path: Path) -> bool:
    """What `make translations` does, for one catalogue: returns whether it (re)wrote the .mo."""
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        return False
    with po_path.open("rb") as fileobj:
        catalog = read_po(fileobj, locale=po_path.parent.parent.name)
    # Write then rename, so a parallel test process never reads half a file.
    handle, temporary = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
    try:
        with os.fdopen(handle, "wb") as fileobj:
            write_mo(fileobj, catalog)
        os.chmod(temporary, 0o644)
        os.replace(temporary, mo_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


@pytest.fixture(scope="session")
def compiled_catalogs(app):
    if any([_compile_if_stale(po_path) for po_path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))]):
        # Flask-Babel caches loaded catalogues per process; drop any loaded before the compile.
        with app.app_context():
            get_babel(app).instance.domain_instance.cache.clear()
    return TRANSLATIONS


def test_login_page_in_chinese(client, compiled_catalogs):
    log_in = zh_catalog().get("Log in").string
    assert CJK.search(log_in), log_in

    response = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="zh"' in html
    assert log_in in html  # template strings
    assert f'value="{log_in}"' in html  # the form's submit label: a lazy_gettext string in Python
    assert not re.search(r">\s*Log in\s*<", html)


def test_login_page_in_english(client, compiled_catalogs):
    log_in = zh_catalog().get("Log in").string

    response = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="en"' in html
    assert re.search(r">\s*Log in\s*<", html)
    assert log_in not in html
