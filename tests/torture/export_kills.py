"""Kill-torture of the export: `kill -9` aimed at every phase, then prove the folder is a whole site.

Not part of the test run (it takes minutes). Run it from the repository root:

    .venv/bin/python tests/torture/export_kills.py --kills 60

Each round changes the database (site title, renamed, trashed, restored and edited entries),
exports it once without interruption into a reference folder, then exports the same state into
the tortured folder and kills the export at a chosen phase. Right after the kill the folder must
be the previous site or the new one, or be finished by the recovery every export (and the app's
start) runs first; after that it must equal a reference site byte for byte, hold no temporary
file, and keep the files the export never wrote (CNAME, .git, README) untouched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))

from fieldnotes_desktop.records import EntryFields  # noqa: E402
from fieldnotes_desktop.services import open_services  # noqa: E402
from fieldnotes_desktop.services.clock import frozen  # noqa: E402

PHASES = ("start", "snapshot", "stage-first", "stage", "journal", "apply-first", "apply", "manifest", "cleanup", "done")
FOREIGN = {"CNAME": b"notes.example.org\n", "README.md": b"My site, exported by Field Notes.\n",
           ".git/HEAD": b"ref: refs/heads/pages\n"}
STATE_DIR = ".fieldnotes"
WORDS = ("ridge", "cairn", "glacier", "scree", "col", "bivouac", "moraine", "serac", "couloir", "tarn")


def body(i: int, generation: int) -> str:
    rng = random.Random(i)
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(60)) for _ in range(4)]
    code = "```python\nfor step in range(%d):\n    climb(step)\n```" % (i % 7 + 2)
    return f"## Day {i}\n\n" + "\n\n".join(paragraphs) + f"\n\n{code}\n\nRevision {generation}.\n"


def build_database(db: Path, entries: int) -> None:
    services = open_services(db, clock=frozen(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)))
    try:
        for i in range(entries):
            services.entries.create(EntryFields(
                title=f"Field day {i}", body=body(i, 0), status="finished",
                category=("Alps", "Andes", "Tatra")[i % 3], tags=(f"t{i % 5}", f"u{i % 4}"),
                volume=1 + i % 3, date=dt.date(2025, 1, 1) + dt.timedelta(days=i),
            ))
        services.site.update(title="Field Notes", author="A. Writer", base_url="https://notes.example.org/")
    finally:
        services.close()


def mutate(db: Path, generation: int, entries: int) -> None:
    """One round's changes: every kind of change the export has to carry out."""
    services = open_services(db, clock=frozen(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)))
    try:
        services.site.update(title=f"Field Notes, round {generation}")
        rng = random.Random(generation)
        summaries = services.entries.list_summaries()
        for summary in rng.sample(summaries, 3):
            services.entries.update(summary.id, EntryFields(slug=f"{summary.slug.split('--')[0]}--r{generation}"))
        for summary in rng.sample(summaries, 5):
            services.entries.update(summary.id, EntryFields(body=body(summary.id, generation)))
        from fieldnotes_desktop.records import EntryFilter
        for trashed in services.entries.list_summaries(EntryFilter(trashed=True)):
            services.entries.restore(trashed.id)
        for summary in rng.sample(services.entries.list_summaries(), 2):
            services.entries.trash(summary.id)
    finally:
        services.close()


def site_hashes(root: Path) -> dict[str, str]:
    found = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if relative.parts[0] in (STATE_DIR, ".git") or relative.as_posix() in FOREIGN or not path.is_file():
            continue
        found[relative.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def broken_links(root: Path) -> int:
    import re

    broken = 0
    for page in root.rglob("*.html"):
        if page.relative_to(root).parts[0] == STATE_DIR:
            continue
        for href in re.findall(r'\s(?:href|src)="([^"#:]+)(?:#[^"]*)?"', page.read_text(encoding="utf-8")):
            target = (page.parent / unquote(urlsplit(href).path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken += 1
    return broken


def leftovers(root: Path) -> int:
    count = sum(1 for p in root.rglob("*.fn-tmp"))
    staging = root / STATE_DIR / "staging"
    return count + (sum(1 for _ in staging.rglob("*")) if staging.exists() else 0)


def foreign_intact(root: Path) -> bool:
    return all((root / name).read_bytes() == data for name, data in FOREIGN.items())


def child(db: Path, out: Path, trace: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, str(HERE / "export_child.py"), str(db), str(out), str(trace)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def run_through(db: Path, out: Path, trace: Path) -> Counter[str]:
    """An export left to finish; returns how often it passed each phase."""
    trace.write_text("")
    process = child(db, out, trace)
    _, err = process.communicate(timeout=600)
    if process.returncode != 0:
        raise SystemExit(f"an uninterrupted export failed:\n{err.decode()}")
    return Counter(trace.read_text().split())


def recover(out: Path) -> None:
    code = "import sys; from pathlib import Path; from fieldnotes_desktop.export.writer import recover; recover(Path(sys.argv[1]))"
    subprocess.run([sys.executable, "-c", code, str(out)], check=True, env=dict(os.environ, PYTHONPATH=str(REPO)))


def kill_at(db: Path, out: Path, trace: Path, phase: str, rng: random.Random, steps: Counter[str]) -> str:
    """Starts an export and kills it once `phase` shows in its trace; returns the phase it was in."""
    trace.write_text("")
    process = child(db, out, trace)
    seen: list[str] = []
    # Stage and apply are long: land anywhere inside them, not only at their first step.
    skip = rng.randint(0, max(steps[phase] - 1, 0)) if phase in ("stage", "apply") else 0
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        lines = trace.read_text().split()
        if phase in lines and lines.count(phase) > skip or (phase == "done" and "done" in lines):
            time.sleep(rng.uniform(0, 0.002))
            break
        if process.poll() is not None:
            break
        time.sleep(0.0002)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    lines = trace.read_text().split()
    return lines[-1] if lines else "before-start"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=60)
    parser.add_argument("--entries", type=int, default=150)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="fieldnotes-export-kills-"))
    work.mkdir(parents=True, exist_ok=True)
    db, reference, tortured, trace = work / "fieldnotes.db", work / "reference", work / "site", work / "trace.txt"
    rng = random.Random(args.seed)
    build_database(db, args.entries)
    for folder in (reference, tortured):
        for name, data in FOREIGN.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
    run_through(db, reference, trace)
    run_through(db, tortured, trace)
    expected_old = site_hashes(reference)
    assert site_hashes(tortured) == expected_old and broken_links(reference) == 0

    aimed: Counter[str] = Counter()
    landed: Counter[str] = Counter()
    after_kill: Counter[str] = Counter()
    after_recovery: Counter[str] = Counter()
    broken_before_recovery = 0
    max_broken_links = 0
    temp_survivors = 0
    foreign_damaged = 0
    started = time.monotonic()
    for round_ in range(1, args.kills + 1):
        mutate(db, round_, args.entries)
        steps = run_through(db, reference, trace)
        expected_new = site_hashes(reference)
        assert broken_links(reference) == 0, "the reference export itself has broken links"
        phase = PHASES[(round_ - 1) % len(PHASES)]
        aimed[phase] += 1
        landed[kill_at(db, tortured, trace, phase, rng, steps)] += 1
        now = site_hashes(tortured)
        state = "old" if now == expected_old else "new" if now == expected_new else "mixed"
        after_kill[state] += 1
        if state == "mixed":
            broken = broken_links(tortured)
            broken_before_recovery += broken > 0
            max_broken_links = max(max_broken_links, broken)
        recover(tortured)
        now = site_hashes(tortured)
        state = "old" if now == expected_old else "new" if now == expected_new else "BROKEN"
        after_recovery[state] += 1
        if state == "old":
            run_through(db, tortured, trace)  # the writer exports again; the folder follows the chain
        if site_hashes(tortured) != expected_new:
            after_recovery["BROKEN after the next export"] += 1
        temp_survivors += leftovers(tortured)
        foreign_damaged += not foreign_intact(tortured)
        expected_old = expected_new
        print(f"round {round_:3d}: aimed {phase:<11} → {state}", flush=True)

    print()
    print(f"kills tried: {args.kills} over {args.entries} entries in {time.monotonic() - started:.0f} s")
    print("aimed at:         " + ", ".join(f"{p} {aimed[p]}" for p in PHASES))
    print("landed in:        " + ", ".join(f"{p} {n}" for p, n in sorted(landed.items())))
    print("right after kill: " + ", ".join(f"{s} {n}" for s, n in sorted(after_kill.items())))
    print(f"  mixed folders with broken links before recovery: {broken_before_recovery} (at most {max_broken_links} links)")
    print("after recovery:   " + ", ".join(f"{s} {n}" for s, n in sorted(after_recovery.items())))
    broken_sites = after_recovery["BROKEN"] + after_recovery["BROKEN after the next export"]
    print(f"sites broken: {broken_sites}; temporary files surviving the next export: {temp_survivors}; "
          f"foreign files changed: {foreign_damaged}")
    return 1 if broken_sites or temp_survivors or foreign_damaged else 0


if __name__ == "__main__":
    sys.exit(main())
