"""Times the store at book-shelf scale: importing 10,000 entries, listing and searching 10k and 100k.

Run it by hand (it is not part of the test run; it takes a few minutes and ~1 GB of temp space):

    python tests/benchmarks/bench_store.py [--entries 10000] [--total 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import RARE_WORD, SEED, TextMaker, add_rows_quickly  # noqa: E402  (it finds the checkout)

from fieldnotes_desktop.records import EntryFilter  # noqa: E402
from fieldnotes_desktop.services import Services, open_services  # noqa: E402

RUNS = 7

QUERIES = {
    "common word": "mountain",
    "rare word": RARE_WORD,
    "two words": "glacier ridge",
    "prefix (typing)": "avalan",
}


def write_markdown_files(folder: Path, count: int, maker: TextMaker, words: int) -> None:
    start = dt.date(2010, 1, 1)
    for n in range(count):
        date = start + dt.timedelta(days=n % 5000)
        title = " ".join(maker.rng.choices(maker.words[:400], k=5)).title()
        tags = ", ".join(maker.rng.sample(["snow", "rock", "ice", "travel", "gear", "food"], 2))
        text = (
            f"---\ntitle: \"{title} {n}\"\ndate: {date.isoformat()}\ncategory: Cat{n % 12}\n"
            f"tags: {tags}\nstatus: {'finished' if n % 3 else 'draft'}\nvolume: {n % 10}\n"
            f"elevation: {1000 + n % 7000}\n---\n" + maker.body(words, rare=n % 1000 == 7)
        )
        (folder / f"entry-{n:06d}.md").write_text(text, encoding="utf-8")


def median_ms(action: Callable[[], object], runs: int = RUNS) -> tuple[float, object]:
    result = action()  # warm the page cache once; timed runs follow
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        result = action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), result


def measure_reads(services: Services, label: str) -> None:
    total = services.entries.count()
    print(f"\n[{label}: {total:,} entries, database {services.db_path.stat().st_size / 2**20:,.0f} MB]")
    ms, rows = median_ms(lambda: services.entries.list_summaries(limit=200))
    print(f"  list first 200 summaries            {ms:8.1f} ms   ({len(rows)} rows)")  # type: ignore[arg-type]
    ms, rows = median_ms(lambda: services.entries.list_summaries(EntryFilter(status="finished"), limit=200))
    print(f"  list first 200, status=finished     {ms:8.1f} ms   ({len(rows)} rows)")  # type: ignore[arg-type]
    for name, query in QUERIES.items():
        ms, hits = median_ms(lambda q=query: services.entries.search(q))  # type: ignore[misc]
        print(f"  search {name:<16} {query!r:<16} {ms:8.1f} ms   ({len(hits)} hits, limit 50)")  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000, help="entries imported from files")
    parser.add_argument("--words", type=int, default=1_500, help="words per imported entry")
    parser.add_argument("--total", type=int, default=100_000, help="entries for the large measurements")
    parser.add_argument("--extra-words", type=int, default=300, help="words per entry added beyond --entries")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()

    maker = TextMaker(random.Random(SEED))
    with tempfile.TemporaryDirectory(prefix="fieldnotes-bench-") as scratch:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        posts, db_path = work / "posts", work / "bench.db"
        posts.mkdir(exist_ok=True)
        if db_path.exists():
            db_path.unlink()
        print(f"Field Notes store benchmark — Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}")
        print(f"median of {RUNS} runs after one warm-up for reads\n")

        began = time.perf_counter()
        write_markdown_files(posts, args.entries, maker, args.words)
        size = sum(p.stat().st_size for p in posts.iterdir()) / 2**20
        print(f"generated {args.entries:,} Markdown files of ~{args.words:,} words "
              f"({size:,.0f} MB) in {time.perf_counter() - began:.1f} s")

        services = open_services(db_path)
        began = time.perf_counter()
        report = services.imports.import_paths([posts])
        took = time.perf_counter() - began
        print(f"import {len(report.created):,} entries (ImportService.import_paths, one transaction): "
              f"{took:.1f} s  = {took / len(report.created) * 1000:.2f} ms per entry")
        measure_reads(services, f"{args.entries:,} imported")
        services.close()

        extra = args.total - args.entries
        if extra > 0:
            began = time.perf_counter()
            add_rows_quickly(db_path, args.entries, extra, maker, args.extra_words)
            print(f"\nadded {extra:,} more entries by direct SQL with ~{args.extra_words} words each "
                  f"(shorter bodies keep the file a sane size) in {time.perf_counter() - began:.1f} s")
            services = open_services(db_path)
            measure_reads(services, f"{args.total:,} ({args.entries:,} × ~{args.words:,} words "
                          f"+ {extra:,} × ~{args.extra_words} words)")
            services.close()


if __name__ == "__main__":
    main()
