"""Runs every benchmark that reports figures and prints them in one table, against the targets.

Run: python tests/benchmarks/run_all.py [--quick] [--only NAME ...] [--markdown FILE]

Each benchmark runs in its own process, one after another (they share two cores badly), and
ends with a `FIGURES` line (tests/benchmarks/figures.py); this script gathers those lines.
The machine's load is printed with each benchmark's figures: on a busy machine, wall-clock
figures are worth little. Peers (Hugo, the floor) run inside the benchmarks that name them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from figures import Figure, parse  # noqa: E402

# In the order of the list: typing and opening, search, command line, export,
# start-up, import and the streaming commands.
BENCHMARKS = ["bench_typing", "bench_search", "bench_cli", "bench_export", "bench_startup", "bench_import"]


def run(name: str, quick: bool) -> tuple[float, list[Figure], float, str]:
    command = [sys.executable, str(HERE / f"{name}.py")] + (["--quick"] if quick else [])
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    took = time.perf_counter() - began
    load, figures = parse(done.stdout)
    if not figures:
        tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
        return load, [], took, f"no figures (exit {done.returncode}): " + " / ".join(tail)
    return load, figures, took, ""


def verdict(figure: Figure) -> str:
    met = figure.met
    return "—" if met is None else ("met" if met else "MISSED")


def table(rows: list[tuple[str, float, Figure]]) -> list[str]:
    lines = ["| benchmark | figure | value | target | | load |", "|---|---|---:|---:|---|---:|"]
    for name, load, f in rows:
        target = "" if f.target is None else f"{f.better} {f.target:g} {f.unit}"
        what = f.what + (f" (peer: {f.peer})" if f.peer else "")
        lines.append(f"| {name} | {what} | {f.value:,.1f} {f.unit} | {target} | {verdict(f)} | {load:.1f} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="each benchmark's short run")
    parser.add_argument("--only", nargs="*", default=None, help="benchmark names, e.g. bench_search")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    names = args.only or BENCHMARKS
    print(f"{os.cpu_count()} cores; load {os.getloadavg()[0]:.2f} at the start", flush=True)
    rows: list[tuple[str, float, Figure]] = []
    for name in names:
        load, figures, took, problem = run(name, args.quick)
        print(f"{name}: {len(figures)} figures in {took:.0f} s, load {load:.2f}" + (f" — {problem}" if problem else ""),
              flush=True)
        rows += [(name, load, f) for f in figures]
    lines = table(rows)
    print("\n" + "\n".join(lines))
    missed = [f for _n, _l, f in rows if f.met is False]
    print(f"\n{len(rows)} figures, {sum(f.met is True for _n, _l, f in rows)} targets met, {len(missed)} missed")
    if args.markdown:
        args.markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
