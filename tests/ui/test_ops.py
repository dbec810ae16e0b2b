"""The background-operation API: results and errors arrive on the GUI thread; stale ones drop."""

from __future__ import annotations

import threading
import time

import pytest

from ui.ops import OpRunner


@pytest.fixture
def runner(qapp):
    ops = OpRunner()
    yield ops
    ops.shutdown()


def test_result_is_delivered_on_the_gui_thread(runner, qtbot):
    seen = {}

    def op(_state):
        seen["worker"] = threading.current_thread()
        return 42

    def done(value):
        seen["value"] = value
        seen["callback"] = threading.current_thread()

    runner.db(op, on_done=done)
    qtbot.waitUntil(lambda: "value" in seen)
    assert seen["value"] == 42
    assert seen["worker"] is not threading.main_thread()
    assert seen["callback"] is threading.main_thread()


def test_an_exception_reaches_on_error_never_swallowed(runner, qtbot):
    errors = []
    runner.work(lambda _s: 1 / 0, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ZeroDivisionError)


def test_without_on_error_the_runner_reports_failed(runner, qtbot):
    with qtbot.waitSignal(runner.failed, timeout=5000) as blocker:
        runner.db(lambda _s: (_ for _ in ()).throw(ValueError("boom")), label="exploding op")
    label, exc = blocker.args
    assert label == "exploding op"
    assert str(exc) == "boom"


def test_db_ops_are_serialised_in_submission_order(runner, qtbot):
    order: list[int] = []
    results: list[int] = []

    def make(n):
        def op(_s):
            time.sleep(0.01 * (3 - n))
            order.append(n)
            return n

        return op

    for n in range(3):
        runner.db(make(n), on_done=results.append)
    qtbot.waitUntil(lambda: len(results) == 3)
    assert order == [0, 1, 2]


def test_a_newer_op_with_the_same_key_makes_the_older_result_stale(runner, qtbot):
    gate = threading.Event()
    delivered = []

    def slow(state):
        gate.wait(2)
        return "old"

    old_state = runner.work(slow, on_done=delivered.append, key="account")
    runner.work(lambda _s: "new", on_done=delivered.append, key="account")
    qtbot.waitUntil(lambda: delivered == ["new"])
    assert old_state.cancelled
    gate.set()
    qtbot.waitUntil(lambda: runner.dropped == 1)
    assert delivered == ["new"]


def test_progress_is_reported_through_the_state(runner, qtbot):
    progress = []
    done = []

    def op(state):
        for i in range(3):
            state.progress(i + 1, 3, "step")
        return "ok"

    runner.work(op, on_done=done.append, on_progress=lambda d, t, _x: progress.append((d, t)))
    qtbot.waitUntil(lambda: done == ["ok"])
    assert progress == [(1, 3), (2, 3), (3, 3)]
