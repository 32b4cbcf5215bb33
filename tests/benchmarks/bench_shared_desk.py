"""What a shared desk costs: a save and a search on a PostgreSQL server next to the same on a file.

Both desks get the same generated entries, made through the services as the app makes them.
A save is `EntryService.update` of a 1,500-word entry with its version checked (the autosave);
a search is `EntryService.search` for each shape of query a writer types. The server is a
throw-away cluster on loopback (tests/pg_cluster.py) unless `--url` names one, so the figures
are PostgreSQL's own cost, not a network's: add your round trip to each statement.

    python tests/benchmarks/bench_shared_desk.py [--entries 2000] [--saves 200] [--url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
try:
    import fieldnotes_desktop  # noqa: F401
except ModuleNotFoundError:  # run from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from corpus import RARE_WORD, SEED, TextMaker  # noqa: E402
from figures import Figure, report  # noqa: E402

from fieldnotes_desktop.records import EntryFields  # noqa: E402
from fieldnotes_desktop.services import Services, open_services  # noqa: E402

QUERIES = {
    "rare word": RARE_WORD,
    "common word": "mountain",
    "two words": "glacier ridge",
    "typed prefix": "avalan",
    "phrase": '"the mountain"',
}


def fill(services: Services, entries: int, words: int) -> float:
    maker = TextMaker(random.Random(SEED))
    started = time.perf_counter()
    for n in range(entries):
        services.entries.create(EntryFields(title=f"Day {n}", body=maker.body(words, rare=n % 1000 == 0)))
    return time.perf_counter() - started


def timed(action: Callable[[], object], runs: int) -> list[float]:
    action()  # warm
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def spread(timings: list[float]) -> tuple[float, float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], ordered[-1]


def measure(name: str, location: Path | str, args: argparse.Namespace) -> dict[str, tuple[float, float, float]]:
    services = open_services(location)
    try:
        took = fill(services, args.entries, 300)
        print(f"{name}: {args.entries} entries made in {took:.1f} s ({took / args.entries * 1000:.1f} ms each)")
        maker = TextMaker(random.Random(SEED + 1))
        long = services.entries.create(EntryFields(title="A long entry", body=maker.body(1500, rare=False)))
        version = [long.version]
        edit = [0]

        def save() -> None:
            edit[0] += 1
            saved = services.entries.update(
                long.id, EntryFields(body=f"{maker.body(1500, rare=False)} edit{edit[0]}"), base_version=version[0]
            )
            version[0] = saved.version

        figures = {"save": spread(timed(save, args.saves))}
        for shape, query in QUERIES.items():
            figures[shape] = spread(timed(lambda q=query: services.entries.search(q), args.runs))
        for what, (p50, p95, top) in figures.items():
            print(f"  {what:<14} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   max {top:7.2f} ms")
        return figures
    finally:
        services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a throw-away local cluster)")
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()[0]:.2f}")
    cluster = None
    url = args.url
    if url is None:
        from pg_cluster import PgCluster

        cluster = PgCluster()
        os.environ["PGPASSWORD"] = cluster.password
        url = cluster.new_database()
    try:
        with tempfile.TemporaryDirectory() as folder:
            on_file = measure("file (SQLite)", Path(folder) / "bench.db", args)
            on_server = measure("server (PostgreSQL on loopback)", url, args)
    finally:
        if cluster is not None:
            cluster.close()
    print(f"load after: {os.getloadavg()[0]:.2f}")
    report(*(
        Figure(f"{what} p50 on the server", on_server[what][0], "ms", peer=f"file {on_file[what][0]:.2f} ms")
        for what in on_server
    ))


if __name__ == "__main__":
    main()
