"""Draws docs/architecture.md's map of areas from the code: `python -m docs.architecture`.

Each package under ``expo/`` with routes, models or services is an *area*. An arrow A → B means
some module of A imports B (at module load or inside a function). The foundations that nearly every
area uses (``expo/lib``, the accounts, the audit trail, notifications) are drawn once, apart, so
the picture shows how features lean on each other. ``tests/unit/test_architecture.py`` fails when
the committed map differs from what this script draws, so the page stays true.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "expo"
PAGE = ROOT / "docs" / "architecture.md"
BEGIN, END = "<!-- areas:begin (python -m docs.architecture) -->", "<!-- areas:end -->"
# Used by (nearly) every area: drawn as one box, not as arrows from everywhere.
FOUNDATIONS = ("lib", "accounts", "audit", "notifications")


def areas() -> list[str]:
    return sorted(
        path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists() and path.name != "translations"
    )


def _imported_areas(path: Path, known: set[str]) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] if node.module != "expo" else [f"expo.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if len(parts) > 1 and parts[0] == "expo" and parts[1] in known:
                found.add(parts[1])
    return found


def dependencies() -> dict[str, set[str]]:
    """{area: the other areas it imports}."""
    known = set(areas())
    graph: dict[str, set[str]] = defaultdict(set)
    for area in known:
        for path in (PACKAGE / area).rglob("*.py"):
            graph[area] |= _imported_areas(path, known) - {area}
    return graph


def mermaid() -> str:
    graph = dependencies()
    features = [area for area in areas() if area not in FOUNDATIONS]
    lines = ["```mermaid", "flowchart LR"]
    lines.append("  subgraph foundations [Used by nearly every area]")
    lines += [f"    {area}" for area in FOUNDATIONS if area in graph or (PACKAGE / area).exists()]
    lines.append("  end")
    for area in features:
        for other in sorted(graph[area] - set(FOUNDATIONS)):
            lines.append(f"  {area} --> {other}")
    lines.append("```")
    return "\n".join(lines)


def rendered_page(text: str) -> str:
    before, rest = text.split(BEGIN, 1)
    _old, after = rest.split(END, 1)
    return f"{before}{BEGIN}\n{mermaid()}\n{END}{after}"


def main() -> int:
    text = PAGE.read_text(encoding="utf-8")
    updated = rendered_page(text)
    if updated != text:
        PAGE.write_text(updated, encoding="utf-8")
        print(f"updated {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
