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
import uuid
from collections.abc import Callable
from pathlib import Path

try:
    import fieldnotes_desktop  # noqa: F401
except ModuleNotFoundError:  # run from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fieldnotes_desktop.records import EntryFilter
from fieldnotes_desktop.render import count_words
from fieldnotes_desktop.services import Services, open_services

RARE_WORD = "quetzalcoatlus"  # in one entry of every thousand
RUNS = 7
SEED = 20250119

QUERIES = {
    "common word": "mountain",
    "rare word": RARE_WORD,
    "two words": "glacier ridge",
    "prefix (typing)": "avalan",
}


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """Pseudo-words with a few real ones at the top, so queries have something to find."""
    syllables = ["ka", "lo", "mi", "ren", "tu", "sa", "vel", "dor", "an", "ip", "os", "ul", "te", "bri", "cho"]
    real = ["the", "and", "of", "to", "a", "in", "we", "mountain", "camp", "snow", "glacier", "ridge",
            "avalanche", "rope", "tent", "summit", "wind", "ice", "rock", "valley"]
    words = set(real)
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    ordered = real + sorted(words - set(real))
    return ordered


class TextMaker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = vocabulary(rng)
        # Zipf-like: the n-th word is about 1/n as frequent as the first.
        self.cumulative = []
        total = 0.0
        for rank in range(1, len(self.words) + 1):
            total += 1.0 / rank
            self.cumulative.append(total)

    def body(self, words: int, rare: bool) -> str:
        chosen = self.rng.choices(self.words, cum_weights=self.cumulative, k=words)
        if rare:
            chosen[self.rng.randrange(words)] = RARE_WORD
        paragraphs, step = [], 120
        for start in range(0, words, step):
            sentence = " ".join(chosen[start : start + step])
            paragraphs.append(sentence[0].upper() + sentence[1:] + ".")
        heading = " ".join(chosen[:4]).title()
        return f"## {heading}\n\n" + "\n\n".join(paragraphs) + "\n"


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


def add_rows_quickly(db_path: Path, first: int, count: int, maker: TextMaker, words: int) -> None:
    """Fills the file up with plain SQL inserts (the FTS triggers still index every row)."""
    now = dt.datetime(2025, 1, 1).isoformat(sep=" ")
    start = dt.date(1990, 1, 1)
    db = sqlite3.connect(db_path)
    try:
        with db:
            rows = []
            for n in range(first, first + count):
                body = maker.body(words, rare=n % 1000 == 7)
                rows.append((
                    str(uuid.uuid4()), f"Extra entry {n}", f"extra-{n}", body, "", f"Cat{n % 12}",
                    "finished" if n % 3 else "draft", (start + dt.timedelta(days=n % 9000)).isoformat(),
                    n % 10, None, None, count_words(body), now, now,
                ))
                if len(rows) == 5000:
                    _insert(db, rows)
                    rows = []
            _insert(db, rows)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()


def _insert(db: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    db.executemany(
        "INSERT INTO entries (uuid, title, slug, body, summary, category, status, date, volume, "
        "elevation_m, reading_minutes, words, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


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
