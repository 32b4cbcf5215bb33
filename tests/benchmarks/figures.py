"""One shape for a benchmark's figures, so `run_all.py` can gather every script's into one table.

A benchmark prints its own readable lines as it goes and, last, calls `report(...)`, which
prints one `FIGURES {json}` line: each figure is what was measured, its value and unit, the
target the issue sets (or none for a figure shown for context) and, where a peer ran side by
side, the peer's figure under the same measure.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

MARKER = "FIGURES "


@dataclass(frozen=True)
class Figure:
    what: str
    value: float
    unit: str
    # "<=" or ">=" against `target`; None when the figure is context, not a goal.
    target: float | None = None
    better: str = "<="
    peer: str = ""

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return self.value <= self.target if self.better == "<=" else self.value >= self.target


def report(*figures: Figure) -> None:
    rows = [dict(asdict(f), met=f.met) for f in figures]
    print(MARKER + json.dumps({"load": os.getloadavg()[0], "figures": rows}), flush=True)


def parse(output: str) -> tuple[float, list[Figure]]:
    """The figures a benchmark printed, from its whole output; the last FIGURES line wins."""
    for line in reversed(output.splitlines()):
        if line.startswith(MARKER):
            data = json.loads(line[len(MARKER):])
            figures = [Figure(**{k: v for k, v in row.items() if k != "met"}) for row in data["figures"]]
            return float(data["load"]), figures
    return 0.0, []
