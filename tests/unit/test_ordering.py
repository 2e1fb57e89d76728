from expo.lib.ordering import moved


def test_an_item_moves_one_place_and_stays_put_at_either_end():
    items = ["a", "b", "c"]
    assert moved(items, "b", -1) == ["b", "a", "c"]
    assert moved(items, "b", 1) == ["a", "c", "b"]
    assert moved(items, "a", -1) == items and moved(items, "c", 1) == items
    assert moved(items, "a", 5) == ["b", "c", "a"]
    assert items == ["a", "b", "c"]  # a copy: the list given is left alone
