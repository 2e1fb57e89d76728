"""Sets of named values (statuses, kinds) that carry their translated label.

Each set is defined once, in its model's module, nested in the model as Django's choices are::

    class Booth(db.Model):
        class Status(LabelledStrEnum):
            DRAFT = "draft", _l("Draft")
            PUBLISHED = "published", _l("Published")

        status: Mapped[Status] = mapped_column(StrEnumType(Status, 20), default=Status.DRAFT)

A member is a ``str`` (``Booth.Status.DRAFT == "draft"``), so it binds, compares and serialises as
its value; ``member.label`` is its name in the reader's language and ``Status.choices()`` fills a
select field.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class LabelledStrEnum(StrEnum):
    _label: Any

    def __new__(cls, value: str, label: Any):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        """The member's name in the current locale (labels are lazy strings)."""
        return str(self._label)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]
