"""Times importing folders of Markdown files: files per second and the importing process's peak memory.

Each import runs in a child process of its own (a fresh database, nothing else loaded), which
reports its wall and CPU time and its peak RSS from `resource.getrusage`, so one import's
memory never hides another's. Files carry front matter like a blog's; short ones ~200 words,
long ones ~1,500.

    python tests/benchmarks/bench_import.py            # 10k short, 10k long, 50k short
    python tests/benchmarks/bench_import.py --quick    # 2k short, 1k long, 8k short (~1 minute)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import SEED, TextMaker  # noqa: E402
from figures import Figure, report  # noqa: E402

PER_FOLDER = 1000  # files per sub-folder, as a blog keeps them by year
TARGET_FILES_PER_S = 1000.0
TARGET_PEAK_MB = 150.0


def write_posts(folder: Path, count: int, words: int, maker: TextMaker) -> float:
    """`count` Markdown files with front matter under `folder`; returns their size in MB."""
    start, size = dt.date(2010, 1, 1), 0
    for n in range(count):
        sub = folder / f"{n // PER_FOLDER:03d}"
        if n % PER_FOLDER == 0:
            sub.mkdir(parents=True, exist_ok=True)
        title = " ".join(maker.rng.choices(maker.words[:400], k=5)).title()
        tags = ", ".join(maker.rng.sample(["snow", "rock", "ice", "travel", "gear", "food", f"t{n % 300}"], 2))
        date = start + dt.timedelta(days=n % 5000)
        text = (
            f"---\ntitle: \"{title}\"\ndate: {date.isoformat()}\ncategory: Cat{n % 12}\n"
            f"tags: {tags}\nstatus: {'finished' if n % 3 else 'draft'}\nvolume: {n % 10}\n"
            f"elevation: {1000 + n % 7000}\nsummary: Notes from day {n}.\n---\n"
            + maker.body(words, rare=n % 1000 == 7)
        )
        raw = text.encode("utf-8")
        (sub / f"{date.isoformat()}-post-{n:06d}.md").write_bytes(raw)
        size += len(raw)
    return size / 2**20


def child(folder: Path, db_path: Path, here: bool) -> None:
    """Runs in the child: imports `folder` into a new database and prints one JSON line."""
    from fieldnotes_desktop.services import import_reading, open_services

    if here:  # every file read in this process, as before worker processes (for comparison)
        import_reading.MIN_FILES_FOR_WORKERS = 10**9

    services = open_services(db_path)
    ready_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    wall, cpu = time.perf_counter(), time.process_time()
    imported = services.imports.import_paths([folder])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    # The workers' CPU too (they have exited, so their time is counted here).
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = workers.ru_utime + workers.ru_stime
    cpu += worker_cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    services.close()
    print(json.dumps({"files": len(imported.created), "wall": wall, "cpu": cpu, "worker_cpu": worker_cpu, "ready_mb": ready_mb, "peak_mb": peak_mb}))


def run_import(folder: Path, db_path: Path, here: bool) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(folder), str(db_path), *(["--here"] if here else [])],
        check=True, capture_output=True, text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(scratch: Path, label: str, count: int, words: int, maker: TextMaker, here: bool = False) -> dict[str, float]:
    folder, db_path = scratch / label, scratch / f"{label}.db"
    began = time.perf_counter()
    size = write_posts(folder, count, words, maker)
    print(f"{label}: generated {count:,} files of ~{words:,} words ({size:,.0f} MB) in {time.perf_counter() - began:.1f} s")
    result = run_import(folder, db_path, here)
    assert result["files"] == count, f"imported {result['files']} of {count} files"
    result["rate"] = count / result["wall"]
    result["cpu_rate"] = count / result["cpu"]  # steadier than wall time on a shared machine
    print(
        f"{label}{' (read in one process)' if here else ''}: imported {count:,} files in {result['wall']:.1f} s wall, {result['cpu']:.1f} s CPU ({result['worker_cpu']:.1f} s of it in workers)"
        f" = {result['rate']:,.0f} files/s ({result['cpu_rate']:,.0f} per CPU s);"
        f" peak RSS {result['peak_mb']:.0f} MB ({result['ready_mb']:.0f} MB before the import)"
        f"; load {os.getloadavg()[0]:.2f}\n"
    )
    return result


def figures_of(got: dict[str, float], count: int, words: int) -> list[Figure]:
    kind = f"{count:,} files of {words:,} words"
    return [
        Figure(f"import files/s, {kind}", round(got["rate"]), "files/s", TARGET_FILES_PER_S, ">="),
        Figure(f"import peak memory, {kind}", round(got["peak_mb"]), "MB", TARGET_PEAK_MB),
        Figure(f"import files per CPU second, {kind}", round(got["cpu_rate"]), "files/s"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer files, for run_all")
    parser.add_argument("--short", type=int, help="short (~200-word) files to import")
    parser.add_argument("--long", type=int, help="long (~1,500-word) files to import")
    parser.add_argument("--large", type=int, help="short files for the large import (0 to skip)")
    parser.add_argument("--here", action="store_true", help="read every file in the importing process (no workers)")
    parser.add_argument("--child", nargs=2, type=Path, metavar=("FOLDER", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, args.here)
        return

    short = args.short if args.short is not None else (2_000 if args.quick else 10_000)
    long = args.long if args.long is not None else (1_000 if args.quick else 10_000)
    large = args.large if args.large is not None else (8_000 if args.quick else 50_000)
    print(f"Field Notes import benchmark — Python {sys.version.split()[0]}; load {os.getloadavg()[0]:.2f}\n")
    maker = TextMaker(random.Random(SEED))
    figures = []
    with tempfile.TemporaryDirectory(prefix="fieldnotes-bench-import-") as scratch:
        work = Path(scratch)
        for name, count, words in (("short", short, 200), ("long", long, 1500), ("large", large, 200)):
            if count:
                figures += figures_of(measure(work, name, count, words, maker, args.here), count, words)
    report(*figures)


if __name__ == "__main__":
    main()
