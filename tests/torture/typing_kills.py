"""Kill-torture of saving: type into the real window without a pause, `kill -9` it, count what was lost.

Not part of the test run (it takes minutes). Run it from the repository root:

    .venv/bin/python tests/torture/typing_kills.py --kills 100

Each run opens the app over the same database, types at the end of the open entry one key every
10 ms (no pause long enough for an idle save), and is killed after a random 1–6 s of typing. The
stored text must then be the text from before plus a prefix of what was typed, and every key
typed more than 2 s before the kill must be in it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from typing_child import typed_text  # noqa: E402

from fieldnotes_desktop.records import EntryFields  # noqa: E402
from fieldnotes_desktop.services import open_services  # noqa: E402

ALLOWED_LOSS_S = 2.0


def stored_body(db: Path) -> str:
    with sqlite3.connect(db) as conn:  # a fresh connection replays the WAL the killed app left
        (body,) = conn.execute("SELECT body FROM entries WHERE trashed_at IS NULL ORDER BY id LIMIT 1").fetchone()
    return str(body)


def one_run(db: Path, work: Path, seed: int, typing_s: float) -> dict[str, float]:
    before = stored_body(db)
    log = work / f"keys-{seed}.log"
    env = dict(os.environ, PYTHONPATH=str(REPO), XDG_CONFIG_HOME=str(work / "config"),
               XDG_STATE_HOME=str(work / "state"), XDG_DATA_HOME=str(work / "data"))
    process = subprocess.Popen([sys.executable, str(HERE / "typing_child.py"), str(db), str(work / "settings.ini"),
                                str(log), str(seed)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not (log.exists() and "ready" in log.read_text()):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the app did not start: {process.stderr.read().decode() if process.stderr else ''}")
        time.sleep(0.05)
    time.sleep(typing_s)
    killed_at = time.time()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    keys = [line.split() for line in log.read_text().splitlines() if not line.startswith("ready")]
    times = {int(n): float(t) for n, t in keys}
    typed = max(times, default=0)
    after = stored_body(db)
    text = typed_text(seed)
    if not after.startswith(before) or not text.startswith(after[len(before):]):
        return {"typed": typed, "saved": -1, "lost_s": float("inf"), "corrupt": 1}
    saved = len(after) - len(before)
    lost_s = 0.0 if saved >= typed else killed_at - times[saved + 1]
    return {"typed": typed, "saved": saved, "lost_s": lost_s, "corrupt": 0,
            "keys_per_s": typed / max(killed_at - times.get(1, killed_at), 1e-9)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="fieldnotes-typing-kills-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "fieldnotes.db"
    if not db.exists():
        services = open_services(db)
        try:
            services.entries.create(EntryFields(title="Typing without a pause", body="It starts here. ",
                                                date=dt.date(2026, 12, 1)))
        finally:
            services.close()
    rng = random.Random(args.seed)
    results = []
    started = time.monotonic()
    for run in range(1, args.kills + 1):
        result = one_run(db, work, seed=args.seed * 100_000 + run, typing_s=rng.uniform(1.0, 6.0))
        results.append(result)
        print(f"run {run:3d}: typed {int(result['typed']):4d} keys, saved {int(result['saved']):4d}, "
              f"lost the last {result['lost_s']:.2f} s", flush=True)
    lost = [r["lost_s"] for r in results]
    over = sum(1 for s in lost if s > ALLOWED_LOSS_S)
    corrupt = sum(int(r["corrupt"]) for r in results)
    keys = sum(r["typed"] for r in results)
    unsaved = sum(r["typed"] - max(r["saved"], 0) for r in results)
    lost.sort()
    print()
    print(f"kills: {len(results)} in {time.monotonic() - started:.0f} s; keys typed {int(keys)}, "
          f"at {sum(r.get('keys_per_s', 0) for r in results) / len(results):.0f} keys/s")
    print(f"typing lost per kill: median {lost[len(lost) // 2]:.2f} s, max {lost[-1]:.2f} s "
          f"(allowed {ALLOWED_LOSS_S:.1f} s); keys lost {int(unsaved)}")
    print(f"runs over the limit: {over}; stored texts that were not a prefix of what was typed: {corrupt}")
    return 1 if over or corrupt else 0


if __name__ == "__main__":
    sys.exit(main())
