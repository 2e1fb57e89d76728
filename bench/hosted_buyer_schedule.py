"""The hosted-buyer scheduler at the scale of a large expo: 2,000 hosted buyers, 500 exhibitors, three
days of 20-minute slots and 150 tables. How long does the plan take, and what share of the mutual
"must meet" pairs gets a meeting?

The choices are generated (seeded, so every run plans the same expo):

- exhibitor popularity follows a Zipf-like law (a few exhibitors are wanted by hundreds of buyers);
- each buyer marks ~10 exhibitors "must meet" and ~10 "would meet" (8 to 12 each), drawn by popularity;
- each exhibitor answers part of the buyers who chose it: 40 % "must meet", 25 % "would meet",
  5 % "no", the rest unmarked; and marks a few buyers nobody asked about ("would meet");
- 15 % of buyers are at the venue on two of the three days only (their free times), 10 % of exhibitors
  likewise; nobody has a meeting yet, so every table is free in every slot.

The scheduler itself has no database: this measures ``expo.matchmaking.scheduler.solve``, the
function the worker calls with the edition's choices. The plan is verified (nobody twice in a
slot, nobody in a slot they are away, no table used twice); a broken plan exits 1, a slow one does not.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.results import machine, write
from expo.matchmaking import scheduler

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "hosted_buyer_schedule.json"
BUYERS, EXHIBITORS, DAYS, SLOT_MINUTES, HOURS, TABLES = 2000, 500, 3, 20, 8, 150
TARGET_SECONDS = 60.0


def generate(
    buyers: int, exhibitors: int, days: int, slots_per_day: int, tables: int, seed: int = 2027
) -> tuple[scheduler.Problem, int]:
    rng = random.Random(seed)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(exhibitors)]
    buyer_choices: dict[tuple[int, int], str] = {}
    for buyer in range(buyers):
        wanted = rng.randint(8, 12) + rng.randint(8, 12)
        chosen: set[int] = set()
        while len(chosen) < wanted:
            chosen.update(rng.choices(range(exhibitors), weights=weights, k=wanted - len(chosen)))
        ordered = list(chosen)
        rng.shuffle(ordered)
        must = rng.randint(8, 12)
        for index, exhibitor in enumerate(ordered):
            buyer_choices[buyer, exhibitor] = scheduler.MUST if index < must else scheduler.WOULD
    exhibitor_choices: dict[tuple[int, int], str] = {}
    for key in buyer_choices:
        roll = rng.random()
        if roll < 0.40:
            exhibitor_choices[key] = scheduler.MUST
        elif roll < 0.65:
            exhibitor_choices[key] = scheduler.WOULD
        elif roll < 0.70:
            exhibitor_choices[key] = scheduler.NO
    for exhibitor in range(exhibitors):
        for buyer in rng.sample(range(buyers), 3):
            exhibitor_choices.setdefault((buyer, exhibitor), scheduler.WOULD)
    slot_count = days * slots_per_day

    def two_days() -> list[int]:
        away = rng.randrange(days)
        return [s for s in range(slot_count) if s // slots_per_day != away]

    buyer_slots = {b: two_days() for b in range(buyers) if rng.random() < 0.15}
    exhibitor_slots = {e: two_days() for e in range(exhibitors) if rng.random() < 0.10}
    pairs = scheduler.candidate_pairs(buyer_choices, exhibitor_choices)
    problem = scheduler.Problem(
        slot_count=slot_count, tables=tables, pairs=pairs, buyer_slots=buyer_slots, exhibitor_slots=exhibitor_slots
    )
    return problem, len(buyer_choices)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench hosted_buyer_schedule",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--buyers", type=int, default=BUYERS)
    parser.add_argument("--exhibitors", type=int, default=EXHIBITORS)
    parser.add_argument("--days", type=int, default=DAYS)
    parser.add_argument("--tables", type=int, default=TABLES)
    parser.add_argument(
        "--time-limit",
        type=float,
        default=45.0,
        help="seconds the solver may spend improving the greedy plan (default 45)",
    )
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT search workers (default 2)")
    args = parser.parse_args(list(argv))
    load_before = os.getloadavg()[0]
    slots_per_day = HOURS * 60 // SLOT_MINUTES
    started = time.monotonic()
    problem, marks = generate(args.buyers, args.exhibitors, args.days, slots_per_day, args.tables)
    generated = time.monotonic() - started

    greedy_started = time.monotonic()
    first_fit = scheduler.greedy(problem)
    greedy_seconds = time.monotonic() - greedy_started
    plan = scheduler.solve(problem, time_limit=args.time_limit, workers=args.workers)
    broken = scheduler.verify(problem, plan)

    mutual = sum(1 for pair in problem.pairs if pair.mutual_must)
    placed_mutual = plan.placed_in_tier(0)
    greedy_mutual = sum(1 for pair in first_fit if pair.mutual_must)
    report = {
        "benchmark": "hosted_buyer_schedule",
        "machine": machine(load_before),
        "buyers": args.buyers,
        "exhibitors": args.exhibitors,
        "days": args.days,
        "tables": args.tables,
        "slots": problem.slot_count,
        "marks": marks,
        "candidate_pairs": len(problem.pairs),
        "mutual_must_pairs": mutual,
        "generate_seconds": round(generated, 2),
        "greedy_seconds": round(greedy_seconds, 2),
        "greedy_mutual_must_placed": greedy_mutual,
        "solve_seconds": round(plan.seconds, 2),
        "method": plan.method,
        "meetings": len(plan.slots),
        "mutual_must_placed": placed_mutual,
        "mutual_must_share": round(placed_mutual / mutual, 4) if mutual else 1.0,
        "mutual_must_bound": scheduler.mutual_must_bound(problem),
        "placed_by_tier": [plan.placed_in_tier(tier) for tier in range(scheduler.TIER_COUNT)],
        "pairs_by_tier": [sum(1 for p in problem.pairs if p.tier == tier) for tier in range(scheduler.TIER_COUNT)],
        "table_slots": problem.slot_count * args.tables,
        "within_target": plan.seconds <= TARGET_SECONDS,
        "broken_rules": broken[:10],
    }
    for key in (
        "candidate_pairs",
        "mutual_must_pairs",
        "greedy_seconds",
        "greedy_mutual_must_placed",
        "solve_seconds",
        "method",
        "meetings",
        "mutual_must_placed",
        "mutual_must_share",
        "mutual_must_bound",
        "placed_by_tier",
        "pairs_by_tier",
        "table_slots",
        "within_target",
    ):
        print(f"{key:28} {report[key]}")
    write(RESULTS_PATH, report)
    if broken:
        print("BROKEN PLAN:", *broken[:10], sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
