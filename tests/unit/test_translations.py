"""Every shipped language's catalogue covers every user-facing string, and Flask-Babel serves it.

The shipped languages are those in ``expo.i18n.LANGUAGES``; English is the source and has no
catalogue. The strings are extracted afresh from the code and templates at test time, with the same
mapping file (babel.cfg) and keywords as `pybabel extract`, so a developer who adds a string
without translating it is told in which language, which string, and how to fix it. Adding a
language to LANGUAGES brings its catalogue under every test here.
"""

from __future__ import annotations

import os
import re
import tempfile
from functools import cache, lru_cache
from pathlib import Path

import pytest
from babel.messages import frontend
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from flask_babel import get_babel

from expo.i18n import LANGUAGES

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MAPPING_FILE = PROJECT_ROOT / "babel.cfg"
TRANSLATIONS = PROJECT_ROOT / "expo" / "translations"
ZH_PO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po"
# Every shipped language but the source language.
TRANSLATED = [code for code in LANGUAGES if code != "en"]

# Must match the -k options of `pybabel extract` (Makefile / README).
EXTRA_KEYWORDS = ["_l", "lazy_gettext", "lazy_ngettext:1,2", "lazy_pgettext:1c,2", "lazy_npgettext:1c,2,3"]
KEYWORDS = {**DEFAULT_KEYWORDS, **frontend.parse_keywords(EXTRA_KEYWORDS)}

HOW_TO_FIX = """\
Run, from the project root:
  .venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 \\
      -k lazy_pgettext:1c,2 -k lazy_npgettext:1c,2,3 --sort-by-file -o expo/translations/messages.pot .
  .venv/bin/pybabel update -i expo/translations/messages.pot -d expo/translations --no-fuzzy-matching
then write the translation in expo/translations/<language>/LC_MESSAGES/messages.po (no "#, fuzzy"
left; a new language starts with `pybabel init -i expo/translations/messages.pot -d expo/translations
-l <language>`) and
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


def po_file(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


@cache
def catalog_for(language: str) -> Catalog:
    path = po_file(language)
    assert path.exists(), (
        f"{LANGUAGES[language]} ({language}) is in expo.i18n.LANGUAGES but has no catalogue at "
        f"{path.relative_to(PROJECT_ROOT)}\n\n{HOW_TO_FIX}"
    )
    with path.open("rb") as fileobj:
        return read_po(fileobj, locale=language)


def zh_catalog() -> Catalog:
    return catalog_for("zh")


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


def test_every_shipped_language_but_english_is_checked():
    assert "en" in LANGUAGES and "zh" in TRANSLATED
    assert set(TRANSLATED) == set(LANGUAGES) - {"en"}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_extracted_string_is_translated(language):
    catalog = catalog_for(language)
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
        f"{len(missing)} user-facing string(s) lack a {LANGUAGES[language]} ({language}) translation in "
        f"{po_file(language).relative_to(PROJECT_ROOT)}:\n" + "\n".join(missing) + "\n\n" + HOW_TO_FIX
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_has_no_fuzzy_or_empty_entries(language):
    catalog = catalog_for(language)
    assert catalog.locale is not None and str(catalog.locale) == language
    expected_plurals = get_plural(language)
    assert catalog.num_plurals == expected_plurals.num_plurals, (
        f"{language}: the catalogue's Plural-Forms header says {catalog.plural_forms!r}; CLDR has "
        f"{expected_plurals.plural_forms!r}"
    )
    bad = [message.id for message in catalog if message.id and (message.fuzzy or not all(_strings(message)))]
    assert not bad, (
        f"{LANGUAGES[language]} ({language}): fuzzy or empty entries in "
        f"{po_file(language).relative_to(PROJECT_ROOT)}: {bad}\n\n{HOW_TO_FIX}"
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_every_placeholder(language):
    mismatched = []
    for message in catalog_for(language):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            # A plural form stands for the singular or the plural English string (a language with one
            # form uses the plural's); either's placeholders will do.
            allowed = [_placeholders(message.id[0]), _placeholders(message.id[1])]
        else:
            allowed = [_placeholders(message.id)]
        for translated in _strings(message):
            if translated and _placeholders(translated) not in allowed:
                mismatched.append(f"  {message.id!r}\n    -> {translated!r}")
    assert not mismatched, (
        f"{LANGUAGES[language]} ({language}): translations must keep every %(name)s placeholder unchanged, "
        "and a literal % only where the English has one:\n" + "\n".join(mismatched)
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
    assert '<html lang="zh-Hans"' in html
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


@pytest.mark.parametrize("language", TRANSLATED)
def test_login_page_in_every_shipped_language(client, compiled_catalogs, language):
    log_in = catalog_for(language).get("Log in").string
    assert log_in and log_in != "Log in", language

    response = client.get("/login", headers={"Accept-Language": f"{language};q=1.0"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert log_in in html, f"{language}: {log_in!r} is not on the log-in page"
    assert not re.search(r">\s*Log in\s*<", html), language
