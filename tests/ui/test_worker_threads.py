"""Worker threads outliving their QObject: a window never closed must exit without a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import shiboken6

from fieldnotes_desktop.ui.preview.worker import RenderJob, RenderWorker
from fieldnotes_desktop.ui.tasks import ComputeLane, DatabaseLane, Op
from fieldnotes_desktop.ui.word_counter import WordCounter


@pytest.fixture
def thread_errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    errors: list[str] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(repr(args.exc_value)))
    return errors


def test_a_database_lane_deleted_mid_job_drops_the_result_and_ends_its_thread(qapp, thread_errors):
    lane = DatabaseLane()
    started, done = threading.Event(), []
    lane.run(Op(lambda: (started.set(), time.sleep(0.3))), done.append)
    assert started.wait(5)
    shiboken6.delete(lane)  # what the interpreter's exit does to a window never closed
    lane.worker.join(5)
    assert not lane.worker.is_alive()
    assert thread_errors == [] and done == []


def test_a_word_counter_whose_lane_goes_while_counting_stays_quiet(qapp, thread_errors):
    compute = ComputeLane()
    counter = WordCounter(compute, lambda: "word " * 400_000)
    counter.count_now()
    shiboken6.delete(counter)
    shiboken6.delete(compute)
    time.sleep(1.0)
    assert thread_errors == []


def test_a_render_worker_deleted_mid_render_stays_quiet(qapp, thread_errors, caplog):
    compute = ComputeLane()
    worker = RenderWorker(compute, lambda _src: None, lambda html: html)
    worker.submit(RenderJob(1, "para word word\n\n" * 20_000, None, True))
    time.sleep(0.05)
    shiboken6.delete(worker)
    shiboken6.delete(compute)
    time.sleep(2.0)
    assert thread_errors == []
    assert "preview render failed" not in caplog.text


EXIT_WITHOUT_CLOSING = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from fieldnotes_desktop.ui.preview import prepare_webengine
    prepare_webengine()
    from PySide6.QtWidgets import QApplication
    app = QApplication(sys.argv)
    from fieldnotes_desktop.app import build_main_window
    db = Path(sys.argv[1])
    window = build_main_window(db, settings_path=db.with_suffix(".ini"))
    window.show()
    # Work in every thread at the moment the interpreter starts deleting the window.
    from fieldnotes_desktop.ui.tasks import Op
    window.tasks.run(Op(lambda: time.sleep(0.3)))
    window.desk.words.count_now()
    window.preview.set_body("# A long one\\n\\n" + "a paragraph of words\\n\\n" * 20000)
    time.sleep(0.1)
""")


def test_a_script_that_never_closes_its_window_exits_cleanly(tmp_path: Path):
    script = tmp_path / "no_close.py"
    script.write_text(EXIT_WITHOUT_CLOSING)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    for attempt in range(3):  # the race is at exit: give it more than one chance to show
        result = subprocess.run([sys.executable, str(script), str(tmp_path / f"notes{attempt}.db")],
                                capture_output=True, text=True, env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        assert "has been deleted" not in result.stderr, result.stderr
