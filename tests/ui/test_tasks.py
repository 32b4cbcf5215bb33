"""The three lanes: serial and keyed database work, latest-wins computing, cancellable long jobs, one shutdown."""

from __future__ import annotations

import threading
import time

import pytest

from fieldnotes_desktop.ui.tasks import Changes, ComputeLane, DatabaseLane, JobControl, Op, Tasks


@pytest.fixture
def tasks(qapp):  # type: ignore[no-untyped-def]
    lanes = Tasks()
    yield lanes
    lanes.shutdown()


def test_database_work_runs_in_order_on_one_thread_and_answers_on_the_gui_thread(tasks, qtbot):
    order: list[int] = []
    threads: set[str] = set()
    answered_on: list[bool] = []

    def work(n: int) -> int:
        threads.add(threading.current_thread().name)
        order.append(n)
        return n

    for n in range(20):
        tasks.run(Op(lambda n=n: work(n)), lambda _n: answered_on.append(threading.current_thread() is threading.main_thread()))
    qtbot.waitUntil(lambda: len(answered_on) == 20, timeout=5000)
    assert order == list(range(20)) and threads == {"fieldnotes-db"} and all(answered_on)


def test_a_keyed_op_replaces_the_one_still_queued(tasks, qtbot):
    gate = threading.Event()
    ran: list[str] = []
    tasks.run(Op(gate.wait))
    for n in range(5):
        tasks.run(Op(lambda n=n: ran.append(f"save {n}"), key="save:1"))
    gate.set()
    assert tasks.database.wait_idle(5)
    assert ran == ["save 4"]


def test_an_op_says_what_it_changed_after_its_callback(tasks, qtbot):
    events: list[object] = []
    tasks.changed.connect(events.append)
    tasks.run(Op(lambda: 1, Changes.ENTRIES | Changes.FACETS), lambda _r: events.append("done"))
    tasks.run(Op(lambda: 2))  # changes nothing: says nothing
    qtbot.waitUntil(lambda: len(events) == 2, timeout=5000)
    assert events == ["done", Changes.ENTRIES | Changes.FACETS]
    tasks.run(Op(lambda: 1 / 0, Changes.ENTRIES), on_error=events.append)
    qtbot.waitUntil(lambda: len(events) == 3, timeout=5000)
    assert isinstance(events[2], ZeroDivisionError)  # a failed op changed nothing


def test_an_unhandled_failure_reaches_the_one_presenter(tasks, qtbot):
    with qtbot.waitSignal(tasks.failed, timeout=5000) as caught:
        tasks.run(Op(lambda: 1 / 0))
    assert isinstance(caught.args[0], ZeroDivisionError)


def test_computing_delivers_only_the_latest_answer_of_a_key(qapp, qtbot):
    lane = ComputeLane()
    try:
        answers: list[int] = []
        started = threading.Event()

        def slow(n: int) -> int:
            started.set()
            time.sleep(0.2)
            return n

        lane.submit("count", lambda: slow(1), answers.append)
        assert started.wait(5)
        for n in (2, 3, 4):
            lane.submit("count", lambda n=n: slow(n), answers.append)  # 2 and 3 never run
        lane.submit("other", lambda: 99, answers.append)
        qtbot.waitUntil(lambda: 4 in answers, timeout=5000)
        qtbot.wait(300)
        assert sorted(answers) == [4, 99]  # 1 finished but was stale: dropped
    finally:
        lane.shutdown()


def test_two_jobs_of_one_key_never_run_at_once(qapp, qtbot):
    lane = ComputeLane(threads=3)
    try:
        running, overlaps, finished = [0], [0], []
        lock = threading.Lock()

        def job() -> None:
            with lock:
                running[0] += 1
                overlaps[0] = max(overlaps[0], running[0])
            time.sleep(0.05)
            with lock:
                running[0] -= 1
            finished.append(1)

        for _ in range(10):
            lane.submit("preview", job)
            time.sleep(0.01)
        qtbot.waitUntil(lambda: running[0] == 0 and bool(finished), timeout=5000)
        qtbot.wait(200)
        assert overlaps[0] == 1
    finally:
        lane.shutdown()


def test_a_long_job_reports_progress_and_stops_when_cancelled(tasks, qtbot):
    steps: list[int] = []
    outcome: list[object] = []

    def work(control: JobControl) -> str:
        for n in range(1000):
            if control.cancelled():
                return f"stopped at {n}"
            control.progress(n, 1000, "step")
            time.sleep(0.005)
        return "finished"

    job = tasks.jobs.start("count", work, outcome.append)
    job.progressed.connect(lambda done, _total, _label: steps.append(done))
    qtbot.waitUntil(lambda: len(steps) > 5, timeout=5000)
    job.cancel()
    qtbot.waitUntil(lambda: bool(outcome), timeout=5000)
    assert str(outcome[0]).startswith("stopped at")
    assert job.worker is not None and job.worker.name == "fieldnotes-job-count"


def test_shutdown_cancels_long_jobs_then_drains_the_database_then_runs_the_list(qapp):
    lanes = Tasks()
    log: list[str] = []

    def long(control: JobControl) -> None:
        while not control.cancelled():
            time.sleep(0.01)
        time.sleep(0.1)  # cleaning up, as an export removes its staging folder
        log.append("job stopped")

    lanes.jobs.start("export", long)
    lanes.run(Op(lambda: (time.sleep(0.2), log.append("last save"))))
    lanes.at_shutdown(lambda: log.append("database closed"))
    assert lanes.shutdown(5)
    assert log.index("database closed") == 2 and set(log[:2]) == {"job stopped", "last save"}
    assert not lanes.database.worker.is_alive()
    assert all(not worker.is_alive() for worker in lanes.compute.workers)


def test_a_lane_left_undeleted_at_exit_drops_its_answers(qapp, qtbot):
    lane = DatabaseLane()
    lane.run(Op(lambda: time.sleep(0.1)))
    assert lane.shutdown(5)
    assert not lane.worker.is_alive()
