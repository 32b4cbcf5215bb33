"""Time a keystroke to the live preview showing it, on a blog post and on a book, and the memory it takes.

Run: python tests/benchmarks/bench_preview.py [--keystrokes N]
Not a pytest test (the file is named bench_*). It drives the real `PreviewView` over a
database file: each keystroke is a line edit with one more character (as the window sends it), timed until
the view's `rendered` signal (the page's DOM holds the change). Runs offscreen unless
QT_QPA_PLATFORM says otherwise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import psutil  # noqa: E402
from bench_render import make_document  # noqa: E402

from fieldnotes_desktop.ui.preview import prepare_webengine  # noqa: E402

prepare_webengine()

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from fieldnotes_desktop.records import EntryFields  # noqa: E402
from fieldnotes_desktop.render import count_words  # noqa: E402
from fieldnotes_desktop.services import open_services  # noqa: E402
from fieldnotes_desktop.ui.preview import PreviewView  # noqa: E402
from fieldnotes_desktop.ui.preview.images import AssetIndex  # noqa: E402
from fieldnotes_desktop.ui.preview.live_document import LineEdit  # noqa: E402
from fieldnotes_desktop.ui.preview.sources import page_parts  # noqa: E402
from fieldnotes_desktop.ui.tasks import Op, Tasks  # noqa: E402


class Memory:
    """Peak resident memory of this process and of it with its QtWebEngine helpers."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.peak_self = 0
        self.peak_total = 0

    def sample(self) -> None:
        own = self.process.memory_info().rss
        children = 0
        for child in self.process.children(recursive=True):
            try:
                children += child.memory_info().rss
            except psutil.Error:
                pass
        self.peak_self = max(self.peak_self, own)
        self.peak_total = max(self.peak_total, own + children)


def wait_rendered(view: PreviewView, timeout_ms: int = 120_000) -> bool:
    """Until the page shows the whole body (a long one shows its opening screens first)."""
    loop = QEventLoop()
    done = []

    def rendered() -> None:
        if view.stats.complete:
            done.append(True)
            loop.quit()

    view.rendered.connect(rendered)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    view.rendered.disconnect()
    return bool(done)


def settle(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(label: str, times: list[float]) -> None:
    print(
        f"  {label:<44} median {statistics.median(times):8.1f} ms   "
        f"p95 {percentile(times, 0.95):8.1f} ms   max {max(times):8.1f} ms"
    )


def keystrokes(view: PreviewView, body: str, count: int, memory: Memory, newline: bool = False) -> list[float]:
    """Types `count` characters (or Enters) in the middle of the text, one render each.

    Each key reaches the view as the window hands it over: a line edit (`TextMirror`).
    """
    position = body.find(". ", len(body) // 2) + 1
    line = body.count("\n", 0, position)
    times = []
    for n in range(count):
        typed = "\n\n" if newline else "abcdefghij"[n % 10]
        body = body[:position] + typed + body[position:]
        position += len(typed)
        lines = body.split("\n")  # outside the timing: the window reads only the edited lines
        edit = LineEdit(line, 1, tuple(lines[line : line + 1 + typed.count("\n")]))
        line += typed.count("\n")
        started = time.perf_counter()
        view.apply_edits([edit])
        if not wait_rendered(view):
            raise SystemExit("the preview did not render within two minutes")
        times.append((time.perf_counter() - started) * 1000)
        memory.sample()
    return times


def run(app: QApplication, words: int, count: int, folder: Path, memory: Memory) -> None:
    body = make_document(words, seed=words)
    services = open_services(folder / f"bench-{words}.db")
    entry = services.entries.create(EntryFields(title=f"Benchmark of {words:,} words", body=body))
    tasks = Tasks()
    images = AssetIndex(services.assets)
    tasks.run(Op(images.reload))
    parts, _theme_error = page_parts(None)
    view = PreviewView(tasks, parts, services.exports.page_context, images)
    view.resize(1000, 800)
    view.show()
    while not view._ready:
        app.processEvents()
    started = time.perf_counter()
    view.show_entry(entry)
    wait_rendered(view)
    first = (time.perf_counter() - started) * 1000
    memory.sample()
    print(
        f"{count_words(body):,} words, {len(body):,} characters, {view.stats.sections_sent:,} sections, "
        f"{len(view.property('renderedHtml')) / 1e6:.1f} MB of HTML; first show {first:.0f} ms"
    )
    settle(300)
    report(f"keystroke → rendered ({count} keystrokes)", keystrokes(view, body, count, memory))
    report("Enter (lines below shift) → rendered (20)", keystrokes(view, body, 20, memory, newline=True))
    print(f"  patches {view.stats.patches}, full replacements {view.stats.full_replacements}, "
          f"sections sent {view.stats.sections_sent:,}")
    view.shutdown()
    view.deleteLater()
    settle(200)
    tasks.shutdown()
    services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keystrokes", type=int, default=50)
    args = parser.parse_args()
    app = QApplication(sys.argv)
    memory = Memory()
    memory.sample()
    with tempfile.TemporaryDirectory() as folder:
        for words in (1_500, 200_000):
            run(app, words, args.keystrokes, Path(folder), memory)
    print(
        f"peak memory: app process {memory.peak_self / 2**20:.0f} MB; "
        f"with QtWebEngine helper processes {memory.peak_total / 2**20:.0f} MB"
    )


if __name__ == "__main__":
    main()
