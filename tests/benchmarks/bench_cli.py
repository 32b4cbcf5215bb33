"""Times the `fieldnotes` command end to end, as a writer runs it, on the 100,000-entry shelf.

Every run is a fresh process: `fieldnotes --version`, `fieldnotes search WORD` and
`fieldnotes list --json` (its output written to a file). For each the lines give wall time
(p50, p95, max) and the child's CPU time; for `list --json` also the child's peak RSS, from
`os.wait4`, which reports that one child's resource use. Last, `python -X importtime` shows
what `search` imports, the heaviest first.

    python tests/benchmarks/bench_cli.py [--runs 9] [--quick]

To time another checkout side by side (say `git archive HEAD | tar -x -C /tmp/before`), give
`--checkout /tmp/before --shelf FILE`, FILE a database at that checkout's schema (`corpus.shelf()`
as built, for a checkout before migration 0003): it then runs `python -m fieldnotes_desktop` there.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import Figure, report  # noqa: E402
from migrated import migrated_shelf  # noqa: E402

WORD = "mountain"
TARGET_VERSION_MS, TARGET_SEARCH_MS = 100.0, 300.0
TARGET_LIST_S, TARGET_LIST_MB = 3.0, 150.0


CHECKOUT: Path | None = None  # another checkout to time instead of this one
# The editable install's finder would still hand out this checkout's package: dropped first.
BOOT = (
    "import runpy, sys; sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f)]; "
    "sys.path.insert(0, {checkout!r}); sys.argv[0] = 'fieldnotes'; "
    "runpy.run_module('fieldnotes_desktop', run_name='__main__', alter_sys=True)"
)


def command(*python_options: str) -> list[str]:
    """The installed `fieldnotes` script beside this Python, as a writer starts it; else `-m`."""
    if CHECKOUT is not None:
        return [sys.executable, *python_options, "-c", BOOT.format(checkout=str(CHECKOUT))]
    script = Path(sys.executable).with_name("fieldnotes")
    if script.exists() and not python_options:
        return [str(script)]
    return [sys.executable, *python_options, "-m", "fieldnotes_desktop"]


def run_once(args: list[str], out: Path | None = None) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one run of the command."""
    with open(out or os.devnull, "w") as sink:
        began = time.perf_counter()
        child = subprocess.Popen(command() + args, stdout=sink, stderr=subprocess.PIPE)
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - began
    stderr = child.stderr.read().decode() if child.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"fieldnotes {' '.join(args)} failed: {stderr}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def spread(values: list[float], scale: float, unit: str) -> str:
    ordered = sorted(v * scale for v in values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):7.1f}  p95 {p95:7.1f}  max {ordered[-1]:7.1f} {unit}"


def measure(label: str, args: list[str], runs: int, out: Path | None = None) -> tuple[float, float, float]:
    run_once(args, out)  # warm the page cache and the .pyc files
    walls, cpus, peaks = [], [], []
    for _ in range(runs):
        wall, cpu, peak = run_once(args, out)
        walls.append(wall)
        cpus.append(cpu)
        peaks.append(peak)
    scale, unit = (1, "s") if label.startswith("list") else (1000, "ms")
    print(f"  {label:<28} wall {spread(walls, scale, unit)}   cpu {spread(cpus, scale, unit)}   "
          f"peak RSS {max(peaks):.0f} MB")
    return statistics.median(walls), statistics.median(cpus), max(peaks)


def importtime(db: Path) -> None:
    """The modules `search` imports, by cumulative time (direct imports) and by package."""
    result = subprocess.run(
        command("-X", "importtime") + ["--db", str(db), "search", WORD], capture_output=True, text=True, check=True
    )
    rows = []
    for line in result.stderr.splitlines():
        found = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if found:
            rows.append((int(found[1]), int(found[2]), len(found[3]) // 2, found[4]))
    total = sum(self_us for self_us, _cum, _depth, _name in rows) / 1000
    print(f"\n  python -X importtime, `fieldnotes search {WORD}`: {total:.0f} ms of imports; heaviest:")
    for _self, cum, _depth, name in sorted((r for r in rows if r[2] == 0), key=lambda r: -r[1])[:10]:
        print(f"    {cum / 1000:7.1f} ms  {name}")
    packages: dict[str, int] = {}
    for self_us, _cum, _depth, name in rows:
        packages[name.split(".")[0]] = packages.get(name.split(".")[0], 0) + self_us
    print("  by package (own time):", ", ".join(
        f"{name} {us / 1000:.0f} ms" for name, us in sorted(packages.items(), key=lambda p: -p[1])[:8]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--quick", action="store_true", help="fewer runs, for run_all")
    parser.add_argument("--checkout", type=Path, help="time the code in this folder instead")
    parser.add_argument("--shelf", type=Path, help="the database to copy (default: the shelf at this schema)")
    args = parser.parse_args()
    runs = 5 if args.quick else args.runs
    list_runs = 2 if args.quick else 3
    global CHECKOUT
    CHECKOUT = args.checkout

    shelf = args.shelf or migrated_shelf()
    where = f" in {CHECKOUT}" if CHECKOUT else ""
    print(f"Field Notes command-line benchmark — {' '.join(command())}{where}; shelf {shelf.name}")
    print(f"{runs} runs each after a warm-up ({list_runs} for list --json); load {os.getloadavg()[0]:.2f}\n")
    with tempfile.TemporaryDirectory(prefix="fieldnotes-bench-cli-") as scratch:
        # A copy, as the brief of the benchmark says: nothing a command does reaches the shared file.
        db = Path(scratch) / "shelf.db"
        shutil.copyfile(shelf, db)
        version = measure("fieldnotes --version", ["--version"], runs)
        search = measure(f"fieldnotes search {WORD}", ["--db", str(db), "search", WORD], runs)
        out = Path(scratch) / "list.json"
        listing = measure("list --json", ["--db", str(db), "list", "--json"], list_runs, out)
        print(f"  (list --json wrote {out.stat().st_size / 2**20:.0f} MB)")
        importtime(db)
    print(f"\nload {os.getloadavg()[0]:.2f}")
    report(
        Figure("fieldnotes --version, p50 wall", round(version[0] * 1000), "ms", TARGET_VERSION_MS),
        Figure(f"fieldnotes search {WORD}, 100k, p50 wall", round(search[0] * 1000), "ms", TARGET_SEARCH_MS),
        Figure(f"fieldnotes search {WORD}, 100k, p50 CPU", round(search[1] * 1000), "ms"),
        Figure("fieldnotes list --json, 100k, p50 wall", round(listing[0], 2), "s", TARGET_LIST_S),
        Figure("fieldnotes list --json, 100k, peak RSS", round(listing[2]), "MB", TARGET_LIST_MB),
        Figure("fieldnotes list --json, 100k, p50 CPU", round(listing[1], 2), "s"),
    )


if __name__ == "__main__":
    main()
