"""The hosted-buyer scheduler: which buyer meets which exhibitor in which slot, as a pure function.

The problem. Hosted buyers mark exhibitors and exhibitors mark hosted buyers "must meet", "would
meet" or "no". A pair is a candidate when neither side said no and at least one side said must or
would. Each person (a buyer; an exhibitor team, which sends one delegation to each meeting) is in
at most one meeting per slot, only in slots they are available, and a slot holds at most as many
meetings as it has tables free (any table seats one meeting; which one is assigned afterwards; a
table an ordinary meeting already holds in a slot is not free in it).

The objective is lexicographic by tier: first as many mutual "must meet" pairs as possible, then
must + would, must + unmarked, would + would, would + unmarked. Each tier's weight is one more than
everything the tiers below could ever add up to, so no number of lesser meetings outweighs one more
of a better tier.

How it is solved (``solve``):

1. Greedy: pairs best tier first, and inside a tier the most constrained first (fewest slots the
   two people share), each into the earliest slot free for both with a table left. Slots are bit
   sets, so this is fast at any size.
2. A small problem (up to ``EXACT_VARIABLES`` pair × slot choices) goes to CP-SAT whole, with the
   greedy plan as its hint and a time limit: the answer is optimal when the solver says so, and
   never worse than the greedy plan.
3. A large one is improved by large-neighbourhood search: repeatedly take a few mutual "must meet"
   pairs the plan has not placed, free the people involved and their partners, fix every other
   meeting, and let CP-SAT re-plan that neighbourhood optimally within the slots and tables left.
   A neighbourhood's new plan replaces the old one only if it scores higher. It stops at the time
   limit or when no unplaced must-meet pair is left to try.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

MUST = "must"
WOULD = "would"
NO = "no"
CHOICES = (MUST, WOULD, NO)

# (buyer's choice, exhibitor's choice) -> tier, 0 best; a pair absent here is no candidate.
_TIERS = {
    (MUST, MUST): 0,
    (MUST, WOULD): 1,
    (WOULD, MUST): 1,
    (MUST, None): 2,
    (None, MUST): 2,
    (WOULD, WOULD): 3,
    (WOULD, None): 4,
    (None, WOULD): 4,
}
TIER_COUNT = 5
EXACT_VARIABLES = 60_000
NEIGHBOURHOOD_PAIRS = 6


def tier_of(buyer_choice: str | None, exhibitor_choice: str | None) -> int | None:
    """The pair's tier, or None if it is no candidate (someone said no, or nobody asked)."""
    return _TIERS.get((buyer_choice, exhibitor_choice))


@dataclass(frozen=True)
class Pair:
    buyer: int
    exhibitor: int
    tier: int

    @property
    def mutual_must(self) -> bool:
        return self.tier == 0


@dataclass
class Problem:
    """``slot_count`` slots numbered from 0; tables numbered from 1 to ``tables``, each seating one
    meeting per slot. A person absent from ``buyer_slots`` / ``exhibitor_slots`` is available in
    every slot; a table listed in ``busy_tables[slot]`` is taken in that slot already."""

    slot_count: int
    tables: int
    pairs: list[Pair]
    buyer_slots: Mapping[int, Iterable[int]] = field(default_factory=dict)
    exhibitor_slots: Mapping[int, Iterable[int]] = field(default_factory=dict)
    # Meetings that must stay as they are: (buyer, exhibitor) -> slot (organizers' adjustments).
    fixed: Mapping[tuple[int, int], int] = field(default_factory=dict)
    # slot -> table numbers other meetings hold then.
    busy_tables: Mapping[int, Iterable[int]] = field(default_factory=dict)

    def free_tables(self, slot: int) -> set[int]:
        return set(range(1, self.tables + 1)) - set(self.busy_tables.get(slot, ()))

    def capacity(self) -> list[int]:
        """Meetings each slot can still seat."""
        return [len(self.free_tables(slot)) for slot in range(self.slot_count)]


@dataclass
class Plan:
    slots: dict[Pair, int]  # placed pair -> slot
    tables: dict[Pair, int]  # placed pair -> table number, from 1
    optimal: bool
    seconds: float
    method: str

    def placed_in_tier(self, tier: int) -> int:
        return sum(1 for pair in self.slots if pair.tier == tier)


def candidate_pairs(
    buyer_choices: Mapping[tuple[int, int], str], exhibitor_choices: Mapping[tuple[int, int], str]
) -> list[Pair]:
    """Pairs from both sides' marks, each keyed (buyer, exhibitor)."""
    pairs = []
    for key in sorted(set(buyer_choices) | set(exhibitor_choices)):
        tier = tier_of(buyer_choices.get(key), exhibitor_choices.get(key))
        if tier is not None:
            pairs.append(Pair(key[0], key[1], tier))
    return pairs


def tier_weights(pairs: Iterable[Pair]) -> list[int]:
    counts = [0] * TIER_COUNT
    for pair in pairs:
        counts[pair.tier] += 1
    weights = [0] * TIER_COUNT
    below = 0
    for tier in reversed(range(TIER_COUNT)):
        weights[tier] = below + 1
        below += weights[tier] * counts[tier]
    return weights


class _Masks:
    """Availability as integers used as bit sets: bit s set = free in slot s."""

    def __init__(self, problem: Problem):
        everything = (1 << problem.slot_count) - 1
        self.everything = everything

        def mask(slots: Iterable[int]) -> int:
            value = 0
            for slot in slots:
                if 0 <= slot < problem.slot_count:
                    value |= 1 << slot
            return value

        self.buyer = defaultdict(lambda: everything, {b: mask(s) for b, s in problem.buyer_slots.items()})
        self.exhibitor = defaultdict(lambda: everything, {e: mask(s) for e, s in problem.exhibitor_slots.items()})

    def shared(self, pair: Pair) -> int:
        return self.buyer[pair.buyer] & self.exhibitor[pair.exhibitor]


def _bits(mask: int) -> list[int]:
    result = []
    while mask:
        low = mask & -mask
        result.append(low.bit_length() - 1)
        mask ^= low
    return result


def greedy(problem: Problem, *, most_constrained_first: bool = True) -> dict[Pair, int]:
    """First fit, best tier first (and, by default, the pairs with fewest shared slots first)."""
    masks = _Masks(problem)
    busy_b: dict[int, int] = defaultdict(int)
    busy_e: dict[int, int] = defaultdict(int)
    left = problem.capacity()
    full = sum(1 << slot for slot, seats in enumerate(left) if seats <= 0)
    placed: dict[Pair, int] = {}
    by_key = {(p.buyer, p.exhibitor): p for p in problem.pairs}
    for key, slot in problem.fixed.items():
        pair = by_key.get(key)
        if pair is None:
            continue
        placed[pair] = slot
        busy_b[pair.buyer] |= 1 << slot
        busy_e[pair.exhibitor] |= 1 << slot
        left[slot] -= 1
        if left[slot] <= 0:
            full |= 1 << slot
    if most_constrained_first:
        order = sorted(problem.pairs, key=lambda p: (p.tier, masks.shared(p).bit_count(), p.buyer, p.exhibitor))
    else:
        order = sorted(problem.pairs, key=lambda p: p.tier)
    for pair in order:
        if pair in placed:
            continue
        free = masks.shared(pair) & ~busy_b[pair.buyer] & ~busy_e[pair.exhibitor] & ~full
        if not free:
            continue
        slot = (free & -free).bit_length() - 1
        placed[pair] = slot
        busy_b[pair.buyer] |= 1 << slot
        busy_e[pair.exhibitor] |= 1 << slot
        left[slot] -= 1
        if left[slot] <= 0:
            full |= 1 << slot
    return placed


def _score(placed: Iterable[Pair], weights: list[int]) -> int:
    return sum(weights[pair.tier] for pair in placed)


def _cp_sat(
    pairs: list[Pair],
    options: dict[Pair, list[int]],
    capacity: list[int],
    weights: list[int],
    hint: Mapping[Pair, int],
    seconds: float,
    workers: int,
) -> tuple[dict[Pair, int] | None, bool]:
    """Place ``pairs`` (each in one of its ``options``) with ``capacity[s]`` meetings left per slot,
    maximising the weights; None if the solver found nothing in time."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    chosen: dict[tuple[Pair, int], object] = {}
    per_buyer: dict[tuple[int, int], list] = defaultdict(list)
    per_exhibitor: dict[tuple[int, int], list] = defaultdict(list)
    per_slot: dict[int, list] = defaultdict(list)
    objective = []
    for pair in pairs:
        choices = []
        for slot in options[pair]:
            var = model.new_bool_var("")
            chosen[pair, slot] = var
            choices.append(var)
            per_buyer[pair.buyer, slot].append(var)
            per_exhibitor[pair.exhibitor, slot].append(var)
            per_slot[slot].append(var)
            objective.append(weights[pair.tier] * var)
            model.add_hint(var, hint.get(pair) == slot)
        if len(choices) > 1:
            model.add_at_most_one(choices)
    for group in list(per_buyer.values()) + list(per_exhibitor.values()):
        if len(group) > 1:
            model.add_at_most_one(group)
    for slot, group in per_slot.items():
        if len(group) > capacity[slot]:
            model.add(sum(group) <= max(capacity[slot], 0))
    model.maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.05)
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, False
    result = {pair: slot for (pair, slot), var in chosen.items() if solver.boolean_value(var)}
    return result, status == cp_model.OPTIMAL


def _assign_tables(
    problem: Problem, slots: Mapping[Pair, int], fixed_tables: Mapping[tuple[int, int], int] | None = None
) -> dict[Pair, int]:
    """Each meeting's table: a fixed meeting keeps its own; the others take the lowest-numbered
    table free in their slot."""
    fixed_tables = fixed_tables or {}
    taken: dict[int, set[int]] = defaultdict(set)
    for slot, busy in problem.busy_tables.items():
        taken[slot].update(busy)
    tables: dict[Pair, int] = {}
    for pair, slot in slots.items():
        table = fixed_tables.get((pair.buyer, pair.exhibitor))
        if table is not None:
            tables[pair] = table
            taken[slot].add(table)
    for pair, slot in sorted(slots.items(), key=lambda item: (item[1], item[0].exhibitor, item[0].buyer)):
        if pair in tables:
            continue
        table = 1
        while table in taken[slot]:
            table += 1
        tables[pair] = table
        taken[slot].add(table)
    return tables


def solve(
    problem: Problem,
    *,
    time_limit: float = 30.0,
    workers: int = 2,
    seed: int = 7,
    fixed_tables: Mapping[tuple[int, int], int] | None = None,
) -> Plan:
    """The best plan found within ``time_limit`` seconds (see the module's docstring)."""
    started = time.monotonic()
    weights = tier_weights(problem.pairs)
    masks = _Masks(problem)
    by_key = {(p.buyer, p.exhibitor): p for p in problem.pairs}
    fixed = {by_key[key]: slot for key, slot in problem.fixed.items() if key in by_key}
    plan = greedy(problem)
    options = {pair: _bits(masks.shared(pair)) for pair in problem.pairs}
    variables = sum(len(slots) for slots in options.values())
    optimal = False
    method = "greedy"
    if problem.pairs and variables <= EXACT_VARIABLES:
        free_pairs = [pair for pair in problem.pairs if pair not in fixed]
        capacity = problem.capacity()
        fixed_b: dict[int, int] = defaultdict(int)
        fixed_e: dict[int, int] = defaultdict(int)
        for pair, slot in fixed.items():
            capacity[slot] -= 1
            fixed_b[pair.buyer] |= 1 << slot
            fixed_e[pair.exhibitor] |= 1 << slot
        free_options = {
            pair: [s for s in options[pair] if not (fixed_b[pair.buyer] | fixed_e[pair.exhibitor]) >> s & 1]
            for pair in free_pairs
        }
        result, optimal = _cp_sat(
            free_pairs, free_options, capacity, weights, plan, time_limit - (time.monotonic() - started), workers
        )
        if result is not None and _score(result, weights) + _score(fixed, weights) >= _score(plan, weights):
            plan = {**fixed, **result}
            method = "cp-sat"
    elif problem.pairs:
        plan = _improve_by_neighbourhoods(
            problem, plan, options, weights, set(fixed), started, time_limit, workers, seed
        )
        method = "greedy + cp-sat neighbourhoods"
    return Plan(
        slots=plan,
        tables=_assign_tables(problem, plan, fixed_tables),
        optimal=optimal,
        seconds=time.monotonic() - started,
        method=method,
    )


def _improve_by_neighbourhoods(
    problem: Problem,
    plan: dict[Pair, int],
    options: dict[Pair, list[int]],
    weights: list[int],
    fixed: set[Pair],
    started: float,
    time_limit: float,
    workers: int,
    seed: int,
) -> dict[Pair, int]:
    rng = random.Random(seed)
    pairs_of_buyer: dict[int, list[Pair]] = defaultdict(list)
    pairs_of_exhibitor: dict[int, list[Pair]] = defaultdict(list)
    for pair in problem.pairs:
        pairs_of_buyer[pair.buyer].append(pair)
        pairs_of_exhibitor[pair.exhibitor].append(pair)
    masks = _Masks(problem)
    tried: set[Pair] = set()
    while time.monotonic() - started < time_limit - 0.5:
        # A person whose every available slot already holds a mutual must-meet cannot take another:
        # their unplaced pairs are left alone.
        must_busy_b: dict[int, int] = defaultdict(int)
        must_busy_e: dict[int, int] = defaultdict(int)
        for pair, slot in plan.items():
            if pair.mutual_must:
                must_busy_b[pair.buyer] |= 1 << slot
                must_busy_e[pair.exhibitor] |= 1 << slot
        waiting = [
            pair
            for pair in problem.pairs
            if pair.mutual_must
            and pair not in plan
            and pair not in tried
            and masks.buyer[pair.buyer] & ~must_busy_b[pair.buyer]
            and masks.exhibitor[pair.exhibitor] & ~must_busy_e[pair.exhibitor]
        ]
        if not waiting:
            break
        rng.shuffle(waiting)
        seeds = waiting[:NEIGHBOURHOOD_PAIRS]
        tried.update(seeds)
        buyers: set[int] = set()
        exhibitors: set[int] = set()
        for pair in seeds:
            buyers.add(pair.buyer)
            exhibitors.add(pair.exhibitor)
        # Their partners in the current plan are freed too (one step out), so that meetings can trade
        # slots; the partners' other meetings stay fixed.
        seed_buyers, seed_exhibitors = set(buyers), set(exhibitors)
        for pair in plan:
            if pair.buyer in seed_buyers or pair.exhibitor in seed_exhibitors:
                buyers.add(pair.buyer)
                exhibitors.add(pair.exhibitor)
        inside = {pair for b in buyers for pair in pairs_of_buyer[b] if pair.exhibitor in exhibitors} - fixed
        outside = {pair: slot for pair, slot in plan.items() if pair not in inside}
        busy_b: dict[int, int] = defaultdict(int)
        busy_e: dict[int, int] = defaultdict(int)
        capacity = problem.capacity()
        for pair, slot in outside.items():
            busy_b[pair.buyer] |= 1 << slot
            busy_e[pair.exhibitor] |= 1 << slot
            capacity[slot] -= 1
        sub_options = {
            pair: [
                s
                for s in options[pair]
                if not (busy_b[pair.buyer] | busy_e[pair.exhibitor]) >> s & 1 and capacity[s] > 0
            ]
            for pair in inside
        }
        sub_pairs = [pair for pair in inside if sub_options[pair]]
        before = {pair: slot for pair, slot in plan.items() if pair in inside}
        remaining = time_limit - (time.monotonic() - started) - 0.5
        if remaining <= 0:
            break
        result, _optimal = _cp_sat(sub_pairs, sub_options, capacity, weights, before, min(2.0, remaining), workers)
        if result is not None and _score(result, weights) > _score(before, weights):
            plan = {**outside, **result}
    return plan


def mutual_must_bound(problem: Problem) -> int:
    """An upper bound on the mutual must-meet pairs any plan can place: each person meets at most once
    per slot they are available (the tables aside)."""
    masks = _Masks(problem)
    per_buyer: dict[int, int] = defaultdict(int)
    per_exhibitor: dict[int, int] = defaultdict(int)
    for pair in problem.pairs:
        if pair.mutual_must:
            per_buyer[pair.buyer] += 1
            per_exhibitor[pair.exhibitor] += 1
    by_exhibitor = sum(min(count, masks.exhibitor[e].bit_count()) for e, count in per_exhibitor.items())
    by_buyer = sum(min(count, masks.buyer[b].bit_count()) for b, count in per_buyer.items())
    return min(by_exhibitor, by_buyer, sum(problem.capacity()))


def verify(problem: Problem, plan: Plan) -> list[str]:
    """Every rule the plan breaks, in words (for tests and the bench): empty when it is sound."""
    masks = _Masks(problem)
    problems = []
    seen_b: set[tuple[int, int]] = set()
    seen_e: set[tuple[int, int]] = set()
    seen_t: set[tuple[int, int]] = set()
    per_slot: dict[int, int] = defaultdict(int)
    free_tables = {slot: problem.free_tables(slot) for slot in range(problem.slot_count)}
    for pair, slot in plan.slots.items():
        if not masks.shared(pair) >> slot & 1:
            problems.append(f"{pair} placed in slot {slot} where one side is away")
        if (pair.buyer, slot) in seen_b:
            problems.append(f"buyer {pair.buyer} twice in slot {slot}")
        if (pair.exhibitor, slot) in seen_e:
            problems.append(f"exhibitor {pair.exhibitor} twice in slot {slot}")
        table = plan.tables[pair]
        if (table, slot) in seen_t or table not in free_tables.get(slot, ()):
            problems.append(f"table {table} misused in slot {slot}")
        seen_b.add((pair.buyer, slot))
        seen_e.add((pair.exhibitor, slot))
        seen_t.add((table, slot))
        per_slot[slot] += 1
    return problems
