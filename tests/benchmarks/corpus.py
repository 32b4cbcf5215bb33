"""Generated writing for the benchmarks: a Zipf-like vocabulary and a shelf of 100,000 entries.

The shelf is built once with plain SQL inserts (the FTS triggers still index every row) and
kept in the benchmark cache folder, so the search, command-line and start-up benchmarks share
one file instead of each spending minutes building its own. Pass `fresh=True` to rebuild.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import sys
import time
import uuid
from pathlib import Path

try:
    import fieldnotes_desktop  # noqa: F401
except ModuleNotFoundError:  # run from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

RARE_WORD = "quetzalcoatlus"  # in one entry of every thousand
SEED = 20250119
SHELF_VERSION = 1  # raise when the generated text changes, so cached shelves are rebuilt


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """Pseudo-words with a few real ones at the top, so queries have something to find."""
    syllables = ["ka", "lo", "mi", "ren", "tu", "sa", "vel", "dor", "an", "ip", "os", "ul", "te", "bri", "cho"]
    real = ["the", "and", "of", "to", "a", "in", "we", "mountain", "camp", "snow", "glacier", "ridge",
            "avalanche", "rope", "tent", "summit", "wind", "ice", "rock", "valley", "own", "owner"]
    words = set(real)
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return real + sorted(words - set(real))


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


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "fieldnotes-bench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def add_rows_quickly(db_path: Path, first: int, count: int, maker: TextMaker, words: int) -> None:
    """Fills the file up with plain SQL inserts in batches of 5,000."""
    from fieldnotes_desktop.render import count_words

    now = dt.datetime(2025, 1, 1).isoformat(sep=" ")
    start = dt.date(1990, 1, 1)
    db = sqlite3.connect(db_path)
    try:
        with db:
            rows: list[tuple[object, ...]] = []
            for n in range(first, first + count):
                body = maker.body(words, rare=n % 1000 == 7)
                title = " ".join(maker.rng.choices(maker.words[:400], k=4)).title()
                rows.append((
                    str(uuid.uuid4()), f"{title} {n}", f"entry-{n}", body, "", f"Cat{n % 12}",
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


def shelf(count: int = 100_000, words: int = 300, *, fresh: bool = False) -> Path:
    """A database of `count` generated entries (~`words` each), built once and then reused.

    Every 50th entry is trashed, so searches and listings have trash to leave out.
    """
    path = cache_folder() / f"shelf-{count}-{words}-v{SHELF_VERSION}.db"
    if path.exists() and not fresh:
        return path
    from fieldnotes_desktop.services import open_services

    partial = path.with_suffix(".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    began = time.perf_counter()
    open_services(partial).close()  # the schema, by the app's own migrations
    add_rows_quickly(partial, 0, count, TextMaker(random.Random(SEED)), words)
    db = sqlite3.connect(partial)
    with db:
        db.execute("UPDATE entries SET trashed_at = updated_at WHERE id % 50 = 0")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    partial.replace(path)
    print(f"built a shelf of {count:,} entries in {time.perf_counter() - began:.0f} s "
          f"({path.stat().st_size / 2**20:,.0f} MB) at {path}", flush=True)
    return path


if __name__ == "__main__":
    print(shelf(fresh="--fresh" in sys.argv))
