"""What the benchmark scripts share: the real clients of tests/loadclient.py, and a table printer."""

from __future__ import annotations

from typing import Any

from tests.loadclient import ROOT as ROOT
from tests.loadclient import TOKEN as TOKEN
from tests.loadclient import free_port as free_port
from tests.loadclient import open_sessions as open_sessions
from tests.loadclient import percentile as percentile
from tests.loadclient import rss_kib as rss_kib
from tests.loadclient import start_server as start_server
from tests.loadclient import wait_for as wait_for

Row = dict[str, Any]


def format_table(rows: list[Row]) -> str:
    """Rows of figures as an aligned Markdown table (readable in a terminal and in docs/benchmarks.md)."""
    if not rows:
        return "(no rows)"
    columns = list(rows[0])
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    lines += ["| " + " | ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) + " |" for r in cells]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
