"""Times `EntryService.search` on the 100,000-entry shelf, for every shape of query a writer types.

Each shape runs `--runs` times after one warm-up; the lines give wall and CPU time (p50, p95,
max), how many hits came back and whether they were ranked by bm25 or, with more than
`RANKED_MATCHES` matches, came newest first. For context, the search as it was (bm25 and a
snippet for every match, the trash tested in `entries`) is timed in plain SQL on the same file.

    python tests/benchmarks/bench_search.py [--runs 25] [--quick]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import RARE_WORD, SEED, vocabulary  # noqa: E402
from figures import Figure, report  # noqa: E402
from migrated import migrated_shelf  # noqa: E402

TARGET_MS = 20.0
SHAPES = {
    "rare word": RARE_WORD,
    "common word": "mountain",
    "two words": "glacier ridge",
    "prefix own*": "own*",
    "typed prefix": "avalan",
    # The first letters typed: one list read from the prefix index since 0004, a merge of
    # hundreds of words' lists before it.
    "two letters": "ka",
    "two words, 2 letters": "the an",
    "phrase": '"the mountain"',
}
OLD_SQL = (
    "SELECT entries_fts.rowid, snippet(entries_fts, -1, '[', ']', '…', 16), "
    "bm25(entries_fts, 10.0, 4.0, 1.0) AS rank FROM entries_fts JOIN entries ON entries.id = entries_fts.rowid "
    "WHERE entries_fts MATCH ? AND entries.trashed_at IS NULL ORDER BY rank LIMIT 50"
)


def timed(action: Callable[[], object], runs: int) -> tuple[list[float], list[float], object]:
    result = action()  # warm the page cache once
    wall, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = action()
        cpu.append((time.process_time() - began_cpu) * 1000)
        wall.append((time.perf_counter() - began) * 1000)
    return wall, cpu, result


def spread(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):6.1f}  p95 {p95:6.1f}  max {ordered[-1]:6.1f}"


def word_near_the_cap(db: sqlite3.Connection, cap: int) -> tuple[str, int]:
    """The shelf's word found in the most entries without passing `cap`: the costliest ranked search."""
    import random

    words = vocabulary(random.Random(SEED))  # the shelf's own words, in Zipf order
    best = ("", 0)
    for word in words[400:4000:20]:
        (count,) = db.execute("SELECT count(*) FROM entries_fts WHERE entries_fts MATCH ?", (f'"{word}"',)).fetchone()
        if best[1] < count <= cap:
            best = (word, count)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--quick", action="store_true", help="fewer runs, for run_all")
    args = parser.parse_args()
    runs = 7 if args.quick else args.runs

    from fieldnotes_desktop.services import open_services
    from fieldnotes_desktop.store import search as fts

    path = migrated_shelf()
    services = open_services(path, read_only=True)
    total = services.entries.count()
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    word, count = word_near_the_cap(db, fts.RANKED_MATCHES)
    # The trailing space ends the word (no prefix), as when the writer has finished typing it.
    shapes = dict(SHAPES, **{f"ranked, {count:,} matches": word + " "})
    print(f"Field Notes search benchmark — {total:,} entries (+ trash) in {path.name}, SQLite {sqlite3.sqlite_version}")
    print(f"{runs} runs each after a warm-up; up to {fts.RANKED_MATCHES:,} matches are ranked; load {os.getloadavg()[0]:.2f}\n")

    figures = []
    for shape, query in shapes.items():
        wall, cpu, hits = timed(lambda q=query: services.entries.search(q), runs)  # type: ignore[misc]
        ranked = "bm25" if hits and hits[0].rank is not None else "newest first"  # type: ignore[index]
        print(f"  {shape:<22} {query!r:<18} wall {spread(wall)}   cpu {spread(cpu)}   {len(hits)} hits, {ranked}")  # type: ignore[arg-type]
        figures.append(Figure(f"search {shape} ({query}), 100k, service p50 wall", round(statistics.median(wall), 1), "ms", TARGET_MS))
        figures.append(Figure(f"search {shape}, 100k, service p50 CPU", round(statistics.median(cpu), 1), "ms"))

    print("\n  the search as it was (bm25 + snippet for every match), plain SQL:")
    for shape, query in shapes.items():
        match = query if fts.uses_syntax(query) else fts.plain_query(query)
        wall, cpu, _ = timed(lambda m=match: db.execute(OLD_SQL, (m,)).fetchall(), max(3, runs // 5))  # type: ignore[misc]
        print(f"  {shape:<22} {match!r:<20} wall {spread(wall)}   cpu {spread(cpu)}")
        figures.append(Figure(f"search {shape}, 100k, old query p50 wall (context)", round(statistics.median(wall), 1), "ms"))
    db.close()
    services.close()
    print(f"\nload {os.getloadavg()[0]:.2f}")
    report(*figures)


if __name__ == "__main__":
    main()
