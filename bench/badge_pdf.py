"""How long a PDF of badges takes to make: 2,000 badges in bulk, and the few a help desk prints at once.

Badges carry the names visitors of a China-ASEAN expo have: Chinese, Thai, Vietnamese, Malay and
Indonesian, with their companies and a real signed code, in the scripts' proportions of the demo.
Each run renders the same list with ``expo.badges.printing.render`` (fpdf2, HarfBuzz shaping, QR
codes drawn as rectangles) in a fresh PDF, as the worker and the help desk do, and reports wall
and CPU time. ``--engine weasyprint`` renders an equivalent HTML badge with WeasyPrint instead,
when it is installed (it is not one of Expo's dependencies: install it in a scratch venv).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from bench import results

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "badge_pdf.json"

NAMES = [
    ("王小明", "南宁机械进出口有限公司", "China", "delegate"),
    ("Nguyễn Thị Minh Khai", "Công ty TNHH Thương mại Đông Á", "Vietnam", "exhibitor"),
    ("ณัฐพงศ์ ศรีสุข", "บริษัท ไทยฟู้ดส์ จำกัด", "Thailand", "delegate"),
    ("Siti Nurhaliza binti Tarudin", "PT Sinar Mas Agro Resources", "Indonesia", "hosted_buyer"),
    ("陈静怡", "广西北部湾国际港务集团", "China", "exhibitor"),
    ("Phạm Văn Đồng", "Vinamilk", "Vietnam", "speaker"),
    ("Ahmad bin Abdullah", "Sime Darby Plantation Berhad", "Malaysia", "delegate"),
    ("林志强", "", "China", "staff"),
]


def _badges(count: int):
    from expo.badges.codes import badge_payload
    from expo.badges.models import Badge
    from expo.badges.printing import PrintedBadge

    return [
        PrintedBadge(
            name=NAMES[n % len(NAMES)][0],
            company=NAMES[n % len(NAMES)][1],
            country=NAMES[n % len(NAMES)][2],
            role=Badge.Role(NAMES[n % len(NAMES)][3]),
            role_label=Badge.Role(NAMES[n % len(NAMES)][3]).label,
            payload=badge_payload(7, 100_000 + n, 1 + n % 3),
        )
        for n in range(count)
    ]


def _fpdf(count: int, layout_key: str) -> tuple[float, float, int]:
    from expo import create_app
    from expo.badges.printing import LAYOUTS, render
    from expo.editions.models import Edition

    app = create_app({"SECRET_KEY": "bench-" + "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})
    edition = Edition(
        name="22nd China-ASEAN Expo", starts_on=date(2027, 9, 10), ends_on=date(2027, 9, 13), city="Nanning"
    )
    with app.test_request_context():
        badges = _badges(count)
        started, cpu = time.perf_counter(), time.process_time()
        content = render(LAYOUTS[layout_key], edition, badges)
        return time.perf_counter() - started, time.process_time() - cpu, len(content)


def _weasyprint(count: int) -> tuple[float, float, int]:
    import importlib

    import segno

    # Not one of Expo's dependencies: run `python bench/badge_pdf.py --engine weasyprint` with
    # PYTHONPATH=. in a scratch venv holding weasyprint and segno.
    HTML = importlib.import_module("weasyprint").HTML

    parts = []
    for n in range(count):
        name, company, country, role = NAMES[n % len(NAMES)]
        qr = segno.make(f"EXPOB1.WzcsMTAwMDAwLDFd.bench-signature-{n:08d}", error="m").svg_inline(scale=1, border=2)
        parts.append(
            f"<section><header>22nd China-ASEAN Expo<br><small>Sep 10 – 13, 2027 · Nanning</small></header>"
            f"<h1>{name}</h1><p>{company}</p><p class=c>{country}</p><div class=qr>{qr}</div>"
            f"<footer>{role.upper()}</footer></section>"
        )
    html = (
        "<html><head><style>@page{size:A6;margin:0}body{margin:0;font-family:'Noto Sans','Noto Sans Thai',"
        "'Noto Sans CJK SC'}section{height:148mm;page-break-after:always;position:relative}"
        "header{background:#0a4451;color:#fff;padding:3mm 7mm}h1{margin:8mm 7mm 0;font-size:26pt}"
        "p{margin:2mm 7mm}.qr svg{width:48mm;height:48mm;margin:0 28mm}"
        "footer{position:absolute;bottom:0;width:100%;background:#0a6e46;color:#fff;text-align:center;"
        "padding:4mm 0}</style></head><body>" + "".join(parts) + "</body></html>"
    )
    started, cpu = time.perf_counter(), time.process_time()
    content = HTML(string=html).write_pdf()
    return time.perf_counter() - started, time.process_time() - cpu, len(content)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench badge_pdf", description=__doc__)
    parser.add_argument("--badges", type=int, nargs="*", default=[1, 20, 100, 2000])
    parser.add_argument("--layout", default="a6", help="a6, a7, label_4x3in or label_90x55")
    parser.add_argument("--engine", choices=["fpdf2", "weasyprint"], default="fpdf2")
    options = parser.parse_args(argv)

    load_before = os.getloadavg()[0]
    rows = []
    print(f"{'engine':<11} {'layout':<12} {'badges':>6} {'wall s':>7} {'CPU s':>7} {'ms/badge':>8} {'MB':>6}")
    for count in options.badges:
        if options.engine == "weasyprint":
            wall, cpu, size = _weasyprint(count)
        else:
            wall, cpu, size = _fpdf(count, options.layout)
        row = {
            "engine": options.engine,
            "layout": options.layout if options.engine == "fpdf2" else "a6",
            "badges": count,
            "wall_s": round(wall, 2),
            "cpu_s": round(cpu, 2),
            "ms_per_badge": round(1000 * wall / count, 1),
            "bytes": size,
        }
        rows.append(row)
        print(
            f"{row['engine']:<11} {row['layout']:<12} {count:>6} {wall:>7.2f} {cpu:>7.2f} "
            f"{row['ms_per_badge']:>8.1f} {size / 1e6:>6.2f}"
        )
    results.write(RESULTS_PATH, {"machine": results.machine(load_before), "runs": rows})
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
