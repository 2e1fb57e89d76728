"""``python -m bench`` runs every benchmark; ``python -m bench NAME [options]`` runs one."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from bench import (
    api,
    badge_pdf,
    broadcast,
    embedded_load,
    engagement_record,
    exhibition_search,
    hosted_buyer_schedule,
    meeting_race,
    order_leads_report,
    page_weight,
    pages,
    registration_race,
    scan_sync,
    stand_scans,
)

BENCHMARKS: dict[str, Callable[[Sequence[str]], int]] = {
    "registration_race": registration_race.main,
    "meeting_race": meeting_race.main,
    "exhibition_search": exhibition_search.main,
    "engagement_record": engagement_record.main,
    "broadcast": broadcast.main,
    "order_leads_report": order_leads_report.main,
    "page_weight": page_weight.main,
    "pages": pages.main,
    "embedded_load": embedded_load.main,
    "hosted_buyer_schedule": hosted_buyer_schedule.main,
    "api": api.main,
    "badge_pdf": badge_pdf.main,
    "scan_sync": scan_sync.main,
    "stand_scans": stand_scans.main,
}


def main(argv: Sequence[str]) -> int:
    if argv and argv[0] in {"-h", "--help", "--list"}:
        print(__doc__)
        print("benchmarks:", ", ".join(BENCHMARKS))
        return 0
    if argv:
        name, options = argv[0], list(argv[1:])
        if name not in BENCHMARKS:
            print(f"unknown benchmark {name!r}; choose from: {', '.join(BENCHMARKS)}", file=sys.stderr)
            return 2
        return BENCHMARKS[name](options)
    status = 0
    for name, benchmark in BENCHMARKS.items():
        print(f"== {name}")
        status = max(status, benchmark([]))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
