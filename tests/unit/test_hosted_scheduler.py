"""The hosted-buyer scheduler on small fixed cases whose optimum is known."""

from __future__ import annotations

import random

from expo.matchmaking import scheduler
from expo.matchmaking.scheduler import MUST, NO, WOULD, Pair, Problem


def test_candidates_follow_both_sides_choices():
    pairs = scheduler.candidate_pairs(
        {(1, 10): MUST, (1, 11): WOULD, (2, 10): MUST, (3, 10): WOULD}, {(1, 10): MUST, (2, 10): NO, (4, 10): WOULD}
    )
    assert pairs == [Pair(1, 10, 0), Pair(1, 11, 4), Pair(3, 10, 4), Pair(4, 10, 4)]


def test_greedy_is_beaten_by_the_solver_on_three_buyers_two_exhibitors_two_slots_one_table():
    # b1-e1 both "must", free in both slots; b2-e2 both "must", but b2 is only there in slot 0;
    # b3-e1 only "would". First fit puts b1-e1 in slot 0, which takes the only table: b2-e2 is lost.
    problem = Problem(slot_count=2, tables=1, pairs=[Pair(1, 1, 0), Pair(2, 2, 0), Pair(3, 1, 3)], buyer_slots={2: [0]})
    first_fit = scheduler.greedy(problem, most_constrained_first=False)
    assert sum(pair.mutual_must for pair in first_fit) == 1

    plan = scheduler.solve(problem, time_limit=10)
    assert plan.optimal and plan.method == "cp-sat"
    assert plan.slots == {Pair(2, 2, 0): 0, Pair(1, 1, 0): 1}
    assert plan.tables == {Pair(2, 2, 0): 1, Pair(1, 1, 0): 1}
    assert scheduler.verify(problem, plan) == []


def test_one_must_meet_outweighs_any_number_of_lesser_meetings():
    # One table, one slot: either the exhibitor's single mutual must, or nothing else matters.
    pairs = [Pair(1, 1, 0)] + [Pair(b, 2, 3) for b in range(2, 9)]
    plan = scheduler.solve(Problem(slot_count=1, tables=1, pairs=pairs), time_limit=10)
    assert list(plan.slots) == [Pair(1, 1, 0)]


def test_away_days_and_fixed_meetings_are_kept():
    problem = Problem(
        slot_count=4,
        tables=2,
        pairs=[Pair(1, 1, 0), Pair(1, 2, 0), Pair(2, 1, 1)],
        buyer_slots={1: [2, 3]},
        fixed={(2, 1): 2},
    )
    plan = scheduler.solve(problem, time_limit=10, fixed_tables={(2, 1): 2})
    assert plan.slots[Pair(2, 1, 1)] == 2 and plan.tables[Pair(2, 1, 1)] == 2
    assert plan.slots[Pair(1, 1, 0)] == 3  # slot 2 is exhibitor 1's fixed meeting
    assert plan.slots[Pair(1, 2, 0)] == 2
    assert scheduler.verify(problem, plan) == []


def test_a_random_mid_sized_programme_is_sound_and_reaches_the_bound():
    rng = random.Random(5)
    choices_b = {(b, e): rng.choice([MUST, WOULD]) for b in range(40) for e in rng.sample(range(15), 5)}
    choices_e = {key: rng.choice([MUST, WOULD, NO, None]) for key in choices_b}
    pairs = scheduler.candidate_pairs(choices_b, {k: v for k, v in choices_e.items() if v})
    problem = Problem(slot_count=12, tables=6, pairs=pairs, buyer_slots={b: range(6) for b in range(0, 40, 4)})
    plan = scheduler.solve(problem, time_limit=20)
    assert scheduler.verify(problem, plan) == []
    assert plan.placed_in_tier(0) <= scheduler.mutual_must_bound(problem)
    assert plan.placed_in_tier(0) >= sum(p.mutual_must for p in scheduler.greedy(problem))


def test_large_problems_go_through_neighbourhoods_and_stay_sound(monkeypatch):
    monkeypatch.setattr(scheduler, "EXACT_VARIABLES", 10)
    rng = random.Random(9)
    choices_b = {(b, e): MUST for b in range(30) for e in rng.sample(range(6), 3)}
    pairs = scheduler.candidate_pairs(choices_b, dict(choices_b))
    problem = Problem(slot_count=8, tables=3, pairs=pairs)
    plan = scheduler.solve(problem, time_limit=5)
    assert plan.method == "greedy + cp-sat neighbourhoods"
    assert scheduler.verify(problem, plan) == []
    assert len(plan.slots) <= 8 * 3


def test_tables_taken_in_a_slot_are_left_to_their_meetings():
    # Two tables; in slot 0 table 1 is held by an ordinary meeting, so slot 0 seats one meeting, at table 2.
    pairs = [Pair(1, 1, 0), Pair(2, 2, 0), Pair(3, 3, 0)]
    problem = Problem(slot_count=2, tables=2, pairs=pairs, busy_tables={0: [1]})
    plan = scheduler.solve(problem, time_limit=10)
    assert scheduler.verify(problem, plan) == []
    assert len(plan.slots) == 3
    in_first = [pair for pair, slot in plan.slots.items() if slot == 0]
    assert len(in_first) == 1 and plan.tables[in_first[0]] == 2
    assert scheduler.mutual_must_bound(problem) == 3
    # A plan putting a meeting at the taken table is caught.
    broken = scheduler.Plan({in_first[0]: 0}, {in_first[0]: 1}, optimal=False, seconds=0, method="test")
    assert scheduler.verify(problem, broken) == ["table 1 misused in slot 0"]
