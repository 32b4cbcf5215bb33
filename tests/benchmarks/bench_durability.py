"""Times what "Saved means on disk" costs: an autosave of a 1,500-word entry with synchronous=NORMAL vs FULL.

Each save is `EntryService.update` with a changed body, on a real file (put it on the disk the
writer's database lives on: `--dir`). Run it by hand; pytest does not:

    python tests/benchmarks/bench_durability.py [--saves 300] [--words 1500] [--dir FOLDER]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

try:
    import fieldnotes_desktop  # noqa: F401
except ModuleNotFoundError:  # run from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import fieldnotes_desktop.store.engine as engine
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import open_services

WORDS = ("ridge", "scree", "moraine", "larch", "cairn", "col", "glacier", "bivouac", "rope", "dawn")


def body_of(words: int, edit: int) -> str:
    text = " ".join(WORDS[(i * 7 + i // 10) % len(WORDS)] for i in range(words))
    return f"{text} edit{edit}"  # every save changes the text, as typing does


def time_saves(folder: Path, level: str, saves: int, words: int) -> list[float]:
    engine.SYNCHRONOUS = level  # read by every new connection's pragmas
    services = open_services(folder / f"bench-{level.lower()}.db")
    try:
        entry = services.entries.create(EntryFields(title="A long entry", body=body_of(words, 0)))
        for warm_up in range(1, 6):
            services.entries.update(entry.id, EntryFields(body=body_of(words, warm_up)))
        with services.store.transaction() as session:
            actual = session.connection().exec_driver_sql("PRAGMA synchronous").scalar()
        assert actual == {"NORMAL": 1, "FULL": 2}[level], actual
        timings = []
        for n in range(saves):
            started = time.perf_counter()
            services.entries.update(entry.id, EntryFields(body=body_of(words, 100 + n)))
            timings.append((time.perf_counter() - started) * 1000)
        return timings
    finally:
        services.close()


def describe(timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):6.2f} ms   p95 {p95:6.2f} ms   max {ordered[-1]:6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--words", type=int, default=1500)
    parser.add_argument("--dir", type=Path, help="where the database files go (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        print(f"{args.saves} saves of a {args.words}-word entry in {folder}")
        for level in ("NORMAL", "FULL", "NORMAL", "FULL"):  # twice, so a warm disk cache favours neither
            print(f"  synchronous={level:<6}  {describe(time_saves(Path(folder), level, args.saves, args.words))}")


if __name__ == "__main__":
    main()
