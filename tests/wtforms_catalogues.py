"""Compiles our "wtforms" catalogues as `make translations` does, for tests that read WTForms' messages
through the app: a fresh clone has no .mo files (they are git-ignored)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from expo import i18n


def compile_wtforms_catalogues() -> Path:
    """(Re)writes each stale wtforms.mo beside its .po; returns the catalogues' folder."""
    changed = False
    for po_path in sorted(i18n.WTFORMS_CATALOGUES.glob("*/LC_MESSAGES/wtforms.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as fileobj:
            catalog = read_po(fileobj, locale=po_path.parent.parent.name, domain="wtforms")
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
        changed = True
    if changed:  # a catalogue loaded before the compile would otherwise stay in use
        i18n._WTFORMS_CATALOGUES.clear()
    return i18n.WTFORMS_CATALOGUES
