"""WTForms' own messages ("This field is required.") are translated in every language the site
ships: from our catalogues in expo/translations/wtforms, or from the one WTForms ships, and every
form of the site reads them."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from flask_babel import force_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path

import expo
from expo.i18n import LANGUAGES, WTFORMS_CATALOGUES, wtforms_translations
from expo.lib.form_fields import Form
from tests.wtforms_catalogues import compile_wtforms_catalogues

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WTFORMS_POT = Path(messages_path()) / "wtforms.pot"
TRANSLATED = [code for code in LANGUAGES if code != "en"]

# Named and positional: WTForms has "Invalid field name '%s'." beside "%(min)d".
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[#0 +\-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fileobj:
        return read_po(fileobj, locale=locale, domain="wtforms")


def wtforms_messages() -> list[Message]:
    return [message for message in _read(WTFORMS_POT) if message.id]


def our_catalogues() -> dict[str, Catalog]:
    return {
        path.parent.parent.name: _read(path, path.parent.parent.name)
        for path in sorted(WTFORMS_CATALOGUES.glob("*/LC_MESSAGES/wtforms.po"))
    }


def test_wtforms_has_messages_to_translate():
    assert len(wtforms_messages()) > 30


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_wtforms_message_is_translated_with_the_same_placeholders(app, language):
    """What a form of the site gets, ours and WTForms' catalogues together, for each message of WTForms."""
    compile_wtforms_catalogues()
    untranslated, mangled = [], []
    with app.test_request_context("/"), force_locale(language):
        translations = wtforms_translations()
        for message in wtforms_messages():
            if isinstance(message.id, tuple):
                singular, plural = message.id
                texts = [translations.ngettext(singular, plural, count) for count in (1, 2, 5)]
            else:
                singular = message.id
                texts = [translations.gettext(singular)]
            if any(text in (message.id if isinstance(message.id, tuple) else (message.id,)) for text in texts):
                untranslated.append(singular)
            elif any(_placeholders(text) != _placeholders(singular) for text in texts):
                mangled.append(f"{singular!r} -> {texts!r}")
    assert not untranslated, (
        f"WTForms' messages still in English on {language} pages (translate them in "
        f"expo/translations/wtforms/{language}/LC_MESSAGES/wtforms.po, then `make translations`):\n"
        + "\n".join(untranslated)
    )
    assert not mangled, "placeholders changed in translation:\n" + "\n".join(mangled)


def test_our_catalogues_are_for_shipped_languages_with_one_plural_form():
    catalogues = our_catalogues()
    assert {"vi", "th", "id", "ms"} <= set(catalogues), "WTForms ships no catalogue for these"
    for language, catalog in catalogues.items():
        assert language in TRANSLATED, f"{language}: not a language of the site"
        assert str(catalog.locale) == language
        # None of the site's languages inflects for number: one form that keeps the count.
        assert catalog.plural_forms == "nplurals=1; plural=0;", language


def test_our_entries_are_wtforms_messages_translated_whole():
    wtforms_ids = {message.id for message in wtforms_messages()}
    problems = []
    for language, catalog in our_catalogues().items():
        for message in catalog:
            if not message.id:
                continue
            singular = message.id[0] if isinstance(message.id, tuple) else message.id
            strings = list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]
            if message.id not in wtforms_ids:
                problems.append(f"{language}: {singular!r} is not a message of WTForms (obsolete or mistyped)")
            elif message.fuzzy:
                problems.append(f"{language}: {singular!r} is fuzzy, so never compiled")
            elif isinstance(message.id, tuple) and len(strings) != 1:
                problems.append(f"{language}: {singular!r} has {len(strings)} forms, the header says one")
            elif any(string and _placeholders(string) != _placeholders(singular) for string in strings):
                problems.append(f"{language}: {singular!r} -> {strings!r} changes the placeholders")
    assert not problems, "\n".join(problems)


def test_a_language_without_a_catalogue_of_ours_gets_wtforms_own(app):
    compile_wtforms_catalogues()
    with app.test_request_context("/"), force_locale("zh"):
        assert wtforms_translations().gettext("This field is required.") == "该字段是必填字段。"  # WTForms' zh
        assert (
            wtforms_translations().gettext("Not a valid week value.") == "不是有效的周值。"
        )  # ours: WTForms' is fuzzy
    with app.test_request_context("/"), force_locale("en"):
        assert wtforms_translations().gettext("This field is required.") == "This field is required."


def test_every_form_of_the_site_reads_our_catalogues():
    for module in pkgutil.walk_packages(expo.__path__, "expo."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)

    def subclasses(cls):
        for subclass in cls.__subclasses__():
            yield subclass
            yield from subclasses(subclass)

    forms = [cls for cls in subclasses(FlaskForm) if cls.__module__.startswith("expo.")]
    assert len(forms) > 40
    direct = sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in forms if not issubclass(cls, Form))
    assert not direct, "derive these from expo.lib.form_fields.Form, not FlaskForm:\n" + "\n".join(direct)


def test_make_and_the_image_compile_the_wtforms_domain():
    command = "pybabel compile -d expo/translations/wtforms -D wtforms"
    assert command in (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert command in (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "*.mo" in (PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").split()
