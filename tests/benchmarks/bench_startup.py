"""Times start-up to a usable window over 100,000 entries, and the peak memory it takes.

Usable means: the window is shown, the entry list holds its first page and the first entry is
in the editor. Run with `python tests/benchmarks/bench_startup.py [--entries N] [--runs R] [--quick]`;
it copies the benchmark shelf (tests/benchmarks/corpus.py) into a temporary folder and starts the app R times in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from migrated import migrated_shelf  # noqa: E402
from figures import Figure, report  # noqa: E402

PARAGRAPH = (
    "The path climbed through larch and then through nothing at all, and the notebook stayed "
    "in the pocket until the hut, where the stove ticked and the light went amber. "
)


def build_database(db: Path, count: int) -> None:
    from fieldnotes_desktop.records import EntryFields
    from fieldnotes_desktop.services import open_services

    services = open_services(db)
    try:
        import datetime as dt

        with services.store.transaction() as session:
            start = dt.date(2015, 1, 1)
            for n in range(count):
                services.entries.create_in(session, EntryFields(
                    title=f"Field note {n + 1}",
                    body=f"# Field note {n + 1}\n\n" + PARAGRAPH * 12,
                    category=("Mountains", "Kitchen", "Backend", "Travel")[n % 4],
                    status="finished" if n % 3 else "draft",
                    date=start + dt.timedelta(days=n // 3),
                    volume=n // 500,
                    tags=(f"tag{n % 20}",),
                ))
    finally:
        services.close()


def child(db: Path, settings: Path) -> None:
    """One start, measured from before Qt is imported to the first entry in the editor."""
    t0 = time.perf_counter()
    from fieldnotes_desktop.ui.preview import prepare_webengine

    prepare_webengine()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from fieldnotes_desktop.app import build_main_window

    window = build_main_window(db, settings_path=settings)
    figures: dict[str, float] = {}

    def usable() -> None:
        figures["usable_s"] = time.perf_counter() - t0
        figures["rows_loaded"] = window.entry_list.model.rowCount()
        figures["editor_chars"] = len(window.editor.toPlainText())
        QTimer.singleShot(0, app.quit)

    window.started.connect(usable)
    window.preview.rendered.connect(
        lambda: figures.setdefault("preview_s", time.perf_counter() - t0))
    window.show()
    figures["shown_s"] = time.perf_counter() - t0
    app.exec()
    # Give the preview a moment to draw its first page, for the figure, then measure memory.
    deadline = time.perf_counter() + 10
    while "preview_s" not in figures and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.01)
    import psutil

    me = psutil.Process()
    rss = me.memory_info().rss
    helpers = sum(c.memory_info().rss for c in me.children(recursive=True))
    import resource

    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["rss_mb"] = rss / 2**20
    figures["webengine_helpers_rss_mb"] = helpers / 2**20
    window.close()
    print(json.dumps(figures))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="three runs")
    parser.add_argument("--child", nargs=2, metavar=("DB", "SETTINGS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return 0
    if args.quick:
        args.runs = 3
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        t = time.perf_counter()
        if args.entries == 100_000:
            # Built once and brought to this schema once, in the benchmark cache: a copy at an
            # older revision would time the migration (and its backup of 500 MB), not the start.
            shutil.copyfile(migrated_shelf(), db)
        else:
            build_database(db, args.entries)
        print(f"{args.entries:,} entries ready in {time.perf_counter() - t:.1f} s "
              f"({db.stat().st_size / 2**20:.0f} MB); load {os.getloadavg()[0]:.2f}")
        env = dict(os.environ, XDG_CONFIG_HOME=folder, XDG_STATE_HOME=folder, XDG_CACHE_HOME=folder,
                   XDG_DATA_HOME=folder)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
        runs = []
        for n in range(args.runs):
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(db), str(Path(folder) / f"s{n}.ini")],
                capture_output=True, text=True, env=env, timeout=120, check=True)
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        for key in ("shown_s", "usable_s", "preview_s"):
            values = [r[key] for r in runs if key in r]
            if values:
                print(f"{key:>10}: median {statistics.median(values) * 1000:7.0f} ms   "
                      f"max {max(values) * 1000:7.0f} ms   runs "
                      + " ".join(f"{v * 1000:.0f}" for v in values))
        last = runs[-1]
        print(f"rows in the first page: {last['rows_loaded']}, first entry: {last['editor_chars']} chars")
        print(f"peak RSS (app process): {max(r['peak_rss_mb'] for r in runs):.0f} MB; "
              f"QtWebEngine helpers: {max(r['webengine_helpers_rss_mb'] for r in runs):.0f} MB; "
              f"load after the runs {os.getloadavg()[0]:.2f}")
    previews = [r["preview_s"] for r in runs if "preview_s" in r]
    figures = [Figure(f"start-up, {args.entries // 1000}k entries: window usable (median)",
                      statistics.median([r["usable_s"] for r in runs]) * 1000, "ms", 1000)]
    if previews:  # offscreen, the preview may not paint within the wait: then there is no figure
        figures.append(Figure(f"start-up, {args.entries // 1000}k entries: first preview painted (median)",
                              statistics.median(previews) * 1000, "ms"))
    else:
        print("the preview did not paint within 10 s of usable in any run: no figure for it")
    report(*figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
