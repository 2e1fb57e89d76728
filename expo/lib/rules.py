"""Refusals of business rules, and how a view shows one on the form that asked."""

from __future__ import annotations

from flask import flash

from expo.extensions import db


class RuleBroken(Exception):
    """A business rule said no. The message is safe to show, ``field`` names the form field at
    fault (None: the form as a whole) and ``status`` is the HTTP answer the page is sent with."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def show_on_form(form, error: RuleBroken) -> None:
    """Undo whatever the refused change began, and put the reason next to the field at fault."""
    db.session.rollback()
    field = getattr(form, error.field, None) if error.field else None
    (field.errors if field is not None else form.form_errors).append(str(error))


def show_as_message(error: RuleBroken, category: str = "warning") -> None:
    """For an action without a form of its own (a button on a list): undo whatever the refused
    change began, and say why above the page the browser is sent back to."""
    db.session.rollback()
    flash(str(error), category)
