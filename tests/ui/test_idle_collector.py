"""Full collections wait for a pause in typing, and the interpreter's schedule comes back at close."""

from __future__ import annotations

import gc

from fieldnotes_desktop.ui import idle_collector
from fieldnotes_desktop.ui.idle_collector import IdleCollector


def test_full_collections_wait_for_a_pause_and_the_schedule_comes_back(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(idle_collector, "IDLE_MS", 200)
    before = gc.get_threshold()
    full: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            full.append(1)

    collector = IdleCollector()
    collector.start()
    gc.callbacks.append(watch)
    try:
        assert gc.get_threshold()[2] > 100_000  # no automatic full collection while it runs
        for _ in range(10):  # a burst of keys, 50 ms apart: no collection inside it
            collector.typed()
            qtbot.wait(50)
        assert collector.collections == 0 and not full
        qtbot.waitUntil(lambda: collector.collections == 1, timeout=3000)
        assert full  # the pause brought one full collection
    finally:
        gc.callbacks.remove(watch)
        collector.stop()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
