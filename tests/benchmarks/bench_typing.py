"""What the writer feels in the real main window: opening a book-length entry and typing into it.

Run: python tests/benchmarks/bench_typing.py [--words 200000] [--keys 600] [--spell on|off|both] [--quick]

Each scenario runs in a fresh process over a fresh database holding the long entry, a
1,500-word post and a few short notes. The window is the app's own (`build_main_window`),
shown at 1400×900; keys go to its `editor` with QTest at a fixed spacing from a timer, so the
event loop runs between keys exactly as it does under a writer's hands. Measured:

- open: from choosing the entry in the list to the preview's first frame on screen (the
  visible part) and to the frame that completes the page;
- typing: how long the keys took against their ideal time (keys × spacing; 600 keys, long
  enough for the autosave to write the entry four times), and the event
  loop's stalls, read off a 2 ms heartbeat timer (a stall is a gap between two ticks);
- settle: from the last key to the preview showing it;
- memory: PSS of the whole process tree (the app and its QtWebEngine helpers) with the entry
  open after typing, and again after switching to a short note.

Spell check is on in the app by default, so the targets are read with it on (its English
dictionary loaded before the entry is opened); `--spell both` runs every scenario with it off
too, side by side.

To see where the time goes, run one child by hand with BENCH_PROFILE=1 (the GUI thread's
profile while typing), BENCH_PROFILE_OPEN=1 (while opening) or BENCH_WATCH=1 (every thread's
stack whenever the GUI thread is 30 ms late).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from figures import Figure, report  # noqa: E402

KEY_SPACING_MS = 10  # 100 keys a second: a fast typist's burst


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def tree_pss_mb(own: bool = False) -> float:
    """PSS of this process and its QtWebEngine helpers (or of this process alone)."""
    import psutil

    me = psutil.Process()
    total = 0
    for process in [me] if own else [me, *me.children(recursive=True)]:
        try:
            total += process.memory_full_info().pss
        except psutil.Error:
            pass
    return total / 2**20


def build_database(db: Path, words: int) -> dict[str, int]:
    from bench_render import make_document

    from fieldnotes_desktop.records import EntryFields
    from fieldnotes_desktop.services import open_services

    services = open_services(db)
    try:
        ids = {}
        for n in range(5):
            services.entries.create(EntryFields(title=f"Short note {n}", body=f"A note, number {n}.\n"))
        ids["post"] = services.entries.create(
            EntryFields(title="A blog post", body=make_document(1_500, seed=1_500))).id
        ids["long"] = services.entries.create(
            EntryFields(title="The long one", body=make_document(words, seed=words))).id
        ids["short"] = services.entries.create(EntryFields(title="A short note", body="Short.\n")).id
        return ids
    finally:
        services.close()


def child(db: Path, settings: Path, entry_id: int, short_id: int, keys: int, spell: bool) -> None:
    from fieldnotes_desktop.ui.preview import prepare_webengine

    prepare_webengine()
    from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from fieldnotes_desktop.app import build_main_window
    from fieldnotes_desktop.ui.window_prompts import QuitChoice

    app = QApplication(sys.argv[:1])
    remembered = QSettings(str(settings), QSettings.Format.IniFormat)
    remembered.setValue("view/spell_check", spell)  # as the writer left View ▸ Check spelling
    remembered.sync()
    window = build_main_window(db, settings_path=settings)
    window.ask_unsaved_on_quit = lambda _error: QuitChoice.DISCARD  # type: ignore[method-assign]
    window.resize(1400, 900)
    figures: dict[str, float] = {}

    def wait(predicate, timeout_s: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
        deadline = time.perf_counter() + timeout_s
        while not predicate():
            if time.perf_counter() > deadline:
                return False
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        return True

    started: list[float] = []
    window.started.connect(lambda: started.append(time.perf_counter()))
    window.show()
    wait(lambda: bool(started) and window.preview._ready)  # noqa: SLF001 - the benchmark's own probe
    if spell and not wait(lambda: window.spelling.speller is not None, 30.0):
        raise SystemExit(f"spell check asked for, but: {window.spelling.sentence}")
    figures["spell_check"] = 1.0 if window.spelling.speller is not None else 0.0
    wait(lambda: False, 0.5)  # let the first entry's page settle

    preview = window.preview
    frames: list[tuple[float, bool]] = []  # (time, the page is complete)
    preview.rendered.connect(lambda: frames.append((time.perf_counter(), preview.stats.complete)))

    # -- open ---------------------------------------------------------------------------------
    profiler = None
    if os.environ.get("BENCH_PROFILE_OPEN"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    opened = time.perf_counter()
    window.desk.open_entry(entry_id)
    wait(lambda: any(done for _t, done in frames), 120.0)
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(20)
    figures["open_first_frame_ms"] = (frames[0][0] - opened) * 1000 if frames else -1
    complete = [t for t, done in frames if done]
    figures["open_complete_ms"] = (complete[0] - opened) * 1000 if complete else -1
    figures["editor_chars"] = window.editor.document().characterCount()
    wait(lambda: False, 1.0)

    # -- type ---------------------------------------------------------------------------------
    editor = window.editor
    editor.setFocus()
    cursor = editor.textCursor()
    text = editor.toPlainText()
    cursor.setPosition(text.find(". ", len(text) // 2) + 1)
    editor.setTextCursor(cursor)
    editor.ensureCursorVisible()
    wait(lambda: False, 0.5)

    ticks: list[float] = []
    heartbeat = QTimer(interval=2)
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    sent: list[float] = []
    typed = "the quick brown fox jumps over a lazy dog "
    pacer = QTimer(interval=KEY_SPACING_MS)
    pacer.setTimerType(Qt.TimerType.PreciseTimer)

    def next_key() -> None:
        if len(sent) >= keys:
            pacer.stop()
            return
        sent.append(time.perf_counter())
        QTest.keyClick(editor, typed[len(sent) % len(typed)])

    pacer.timeout.connect(next_key)
    frames.clear()
    profiler = None
    if os.environ.get("BENCH_PROFILE"):  # where the GUI thread's time goes while typing
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    heartbeat.start()
    if os.environ.get("BENCH_WATCH"):
        _watch(ticks)
    gc_pauses: list[float] = []
    if os.environ.get("BENCH_GC"):
        import gc

        began: list[float] = [0.0]

        def on_gc(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                began[0] = time.perf_counter()
            else:
                gc_pauses.append((time.perf_counter() - began[0]) * 1000)
                if gc_pauses[-1] > 5:
                    print(f"gc gen {info['generation']}: {gc_pauses[-1]:.0f} ms", file=sys.stderr)

        gc.callbacks.append(on_gc)
    pacer.start()
    wait(lambda: len(sent) >= keys, 120.0)
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    last_key = time.perf_counter()
    target = editor.document().characterCount()
    wait(lambda: preview.stats.shown_chars == target - 1 and bool(frames) and frames[-1][0] > last_key, 60.0)
    settled = frames[-1][0] if frames else time.perf_counter()
    wait(lambda: False, 0.3)
    heartbeat.stop()
    gaps = [(b - a) * 1000 for a, b in zip(ticks, ticks[1:])]
    if os.environ.get("BENCH_GAPS"):  # the longest stalls, at perf_counter times
        for gap, at in sorted(zip(gaps, ticks), reverse=True)[:12]:
            print(f"stall {gap:5.1f} ms at {at:.3f}", file=sys.stderr)
    figures["typing_s"] = last_key - sent[0]
    figures["typing_ideal_s"] = (keys - 1) * KEY_SPACING_MS / 1000
    figures["stall_max_ms"] = max(gaps) if gaps else -1
    figures["stall_p99_ms"] = percentile(gaps, 0.99) if gaps else -1
    figures["stall_p95_ms"] = percentile(gaps, 0.95) if gaps else -1
    figures["stall_p50_ms"] = statistics.median(gaps) if gaps else -1
    figures["settle_ms"] = (settled - last_key) * 1000
    figures["pss_open_mb"] = tree_pss_mb()
    figures["pss_open_app_mb"] = tree_pss_mb(own=True)

    # -- switch away: what the long entry held should go -------------------------------------
    frames.clear()
    window.desk.open_entry(short_id)
    wait(lambda: any(done for _t, done in frames), 60.0)
    wait(lambda: False, 2.0)
    import gc

    gc.collect()
    figures["pss_after_switch_mb"] = tree_pss_mb()
    figures["pss_after_switch_app_mb"] = tree_pss_mb(own=True)
    window.close()
    print("RESULT " + json.dumps(figures), flush=True)


def _watch(ticks: list[float]) -> None:
    import threading
    import traceback

    def run() -> None:
        reported = 0.0
        while True:
            time.sleep(0.002)
            if not ticks:
                continue
            late = time.perf_counter() - ticks[-1]
            if late > 0.03 and ticks[-1] != reported:
                reported = ticks[-1]
                frames = sys._current_frames()
                print(f"--- GUI late {late * 1000:.0f} ms", file=sys.stderr)
                for ident, frame in frames.items():
                    if ident != threading.get_ident():
                        print("".join(traceback.format_stack(frame, limit=4)), file=sys.stderr)

    threading.Thread(target=run, daemon=True).start()


def run_child(db: Path, folder: Path, entry_id: int, short_id: int, keys: int, spell: bool) -> dict[str, float]:
    env = dict(os.environ, XDG_CONFIG_HOME=str(folder), XDG_STATE_HOME=str(folder),
               XDG_CACHE_HOME=str(folder), XDG_DATA_HOME=str(folder))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(db), str(folder / f"s{entry_id}-{int(spell)}.ini"),
         str(entry_id), str(short_id), str(keys), str(int(spell))],
        capture_output=True, text=True, env=env, timeout=600)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line[len("RESULT "):]))
    raise SystemExit(f"the benchmark's window failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--keys", type=int, default=600)  # six seconds: the autosave writes four times meanwhile
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--spell", choices=("on", "off", "both"), default="on",
                        help="View ▸ Check spelling in the window measured (on: as the app starts)")
    parser.add_argument("--quick", action="store_true", help="one run of each")
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        db, settings, entry_id, short_id, keys, spell = args.child
        child(Path(db), Path(settings), int(entry_id), int(short_id), int(keys), spell == "1")
        return 0
    runs = 1 if args.quick else args.runs
    modes = {"on": [True], "off": [False], "both": [True, False]}[args.spell]
    with tempfile.TemporaryDirectory(prefix="fieldnotes-typing-") as scratch:
        folder = Path(scratch)
        db = folder / "typing.db"
        ids = build_database(db, args.words)
        print(f"load {os.getloadavg()[0]:.2f}; {args.keys} keys at {KEY_SPACING_MS} ms spacing")
        results: dict[tuple[str, bool], list[dict[str, float]]] = {
            (name, spell): [] for spell in modes for name in ("post", "long")}
        for _ in range(runs):
            for name, spell in results:
                results[name, spell].append(run_child(db, folder, ids[name], ids["short"], args.keys, spell))
        for (name, spell), rows in results.items():
            print(f"\n[{name}, spell check {'on' if spell else 'off'}: {rows[0]['editor_chars']:,.0f} characters; "
                  f"{runs} run(s), the worst shown]")
            for key in rows[0]:
                if key not in ("editor_chars", "spell_check"):
                    print(f"  {key:<22} " + "  ".join(f"{r[key]:9.1f}" for r in rows))
    spell = modes[0]
    worst = {key: max(r[key] for r in results["long", spell]) for key in results["long", spell][0]}
    post = {key: max(r[key] for r in results["post", spell]) for key in results["post", spell][0]}
    book = f"{args.words // 1000}k-word entry"
    words = f"{book}, spell check {'on' if spell else 'off'}"
    others = []
    if len(modes) == 2:
        off = {key: max(r[key] for r in results["long", False]) for key in results["long", False][0]}
        bare = f"{book}, spell check off"
        others = [
            Figure(f"typing {bare}: longest GUI stall", off["stall_max_ms"], "ms"),
            Figure(f"typing {bare}: time ÷ ideal at 100 keys/s", off["typing_s"] / off["typing_ideal_s"], "×"),
            Figure(f"opening {bare}: visible part painted", off["open_first_frame_ms"], "ms"),
            Figure(f"opening {bare}: whole page painted", off["open_complete_ms"], "ms"),
        ]
    report(
        Figure(f"typing {words}: longest GUI stall", worst["stall_max_ms"], "ms", 50),
        Figure(f"typing {words}: time ÷ ideal at 100 keys/s",
               worst["typing_s"] / worst["typing_ideal_s"], "×", 1.2),
        Figure(f"typing {words}: preview settled after last key", worst["settle_ms"], "ms", 150),
        Figure(f"opening {words}: visible part painted", worst["open_first_frame_ms"], "ms", 300),
        Figure(f"opening {words}: whole page painted", worst["open_complete_ms"], "ms", 1500),
        Figure(f"memory, {book} open: process tree PSS", worst["pss_open_mb"], "MB", 700),
        Figure(f"memory after switching to a short note", worst["pss_after_switch_mb"], "MB"),
        Figure("typing 1.5k-word post: longest GUI stall", post["stall_max_ms"], "ms"),
        Figure(f"typing {words}: GUI stall p50", worst["stall_p50_ms"], "ms"),
        Figure(f"typing {words}: GUI stall p95", worst["stall_p95_ms"], "ms"),
        *others,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
