"""Moving one item of an ordered list (pavilions, products, pictures, brochures, questions)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def moved(items: Sequence[T], item: T, offset: int) -> list[T]:
    """A copy of ``items`` with ``item`` moved ``offset`` places (-1 earlier, +1 later); an item
    already at that end stays where it is."""
    order = list(items)
    index = order.index(item)
    order.insert(min(max(index + offset, 0), len(order) - 1), order.pop(index))
    return order
