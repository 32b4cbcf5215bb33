"""Benchmark: export 1,000 generated entries of ~1,500 words with code blocks; prints speed and peak memory.

Run: python tests/benchmarks/bench_export.py [--entries N] [--words N] [--db PATH] [--keep]

`--db PATH` keeps the generated database there and reuses it on later runs (each run exports
from a copy, so the export revisions one run records do not change the next run's work).
Also times `ExportService.page_context`, which the live preview calls on every pause in typing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fieldnotes_desktop.records import EntryFields, EntryFilter  # noqa: E402
from fieldnotes_desktop.services import Services, open_services  # noqa: E402
from fieldnotes_desktop.services.publish import ExportOptions  # noqa: E402

WORDS = (
    "ridge snow commit frame log page writer reader index volume summit trail cache query "
    "thread buffer kernel river stone notebook morning weather deadline station sensor schema "
    "the a of and to in that it is was for on with as by at from this but not"
).split()
CODE = {
    "python": "def total(rows: list[int]) -> int:\n    result = 0\n    for row in rows:\n        result += row * 2\n    return result\n",
    "rust": "fn total(rows: &[u32]) -> u32 {\n    rows.iter().map(|r| r * 2).sum()\n}\n",
    "sql": "SELECT station, count(*) AS readings\nFROM readings\nWHERE taken_at > :since\nGROUP BY station;\n",
    "javascript": "const total = (rows) => rows.reduce((sum, row) => sum + row * 2, 0);\n",
}


def paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def body(rng: random.Random, target_words: int) -> str:
    parts, written, section = [], 0, 0
    while written < target_words:
        section += 1
        parts.append(f"## Section {section}\n")
        for _ in range(3):
            n = rng.randint(50, 90)
            parts.append(paragraph(rng, n) + "\n")
            written += n
        language = rng.choice(sorted(CODE))
        parts.append(f"```{language}\n{CODE[language]}```\n")
        if section % 3 == 0:
            parts.append("- " + paragraph(rng, 8) + "\n- " + paragraph(rng, 10) + "\n")
            parts.append("> " + paragraph(rng, 20) + "\n")
    return "\n".join(parts)


def populate(db: Path, entries: int, words: int) -> None:
    services = open_services(db)
    rng = random.Random(42)
    categories = ["Backend", "Systems", "Data", "Tooling", "Mountains"]
    with services.store.transaction() as session:
        for i in range(entries):
            services.entries.create_in(
                session,
                EntryFields(
                    title=f"Generated entry {i + 1}: " + paragraph(rng, 5).rstrip("."),
                    body=body(rng, words),
                    category=categories[i % len(categories)],
                    status="finished",
                    date=dt.date(2020, 1, 1) + dt.timedelta(days=i),
                    volume=min(99, 1 + i // 100),  # volumes stop at 99
                    elevation_m=rng.randint(200, 4000),
                    tags=(f"tag{i % 17}", f"tag{i % 5}"),
                ),
            )
    services.site.update(title="Field Notes", author="Bench Mark", base_url="https://bench.example/")
    services.close()


def time_page_context(services: Services, rounds: int = 5) -> float:
    """Milliseconds per `page_context` call for an entry in the middle of the site, best of `rounds`."""
    summaries = services.entries.list_summaries(EntryFilter(status="finished"))
    entry = services.entries.get(summaries[len(summaries) // 2].id)
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        services.exports.page_context(entry)
        best = min(best, time.perf_counter() - started)
    return best * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--words", type=int, default=1500)
    parser.add_argument("--db", type=Path, help="generated database to keep and reuse across runs")
    parser.add_argument("--keep", action="store_true", help="keep the database and the site")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="fieldnotes-bench-"))
    db, out = work / "bench.db", work / "site"
    source = args.db or db
    if not source.exists():
        started = time.perf_counter()
        populate(source, args.entries, args.words)
        print(f"populated {args.entries} entries of ~{args.words} words in {time.perf_counter() - started:.1f} s")
    if source != db:
        shutil.copyfile(source, db)

    services = open_services(db)
    print(f"page_context (the preview's header and footer): {time_page_context(services):.1f} ms")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    report = services.exports.export(ExportOptions(out=out))
    seconds = time.perf_counter() - started
    services.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1024 / 1024

    print(report.summary())
    print(f"entries/second: {report.entries / seconds:.0f}  ({seconds:.2f} s for {report.entries} entries)")
    print(f"peak RSS: {peak:.0f} MB (before the export: {rss_before:.0f} MB); site size {size:.1f} MB")
    if args.keep:
        print(f"kept in {work}")
    else:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
