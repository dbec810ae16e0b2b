"""The one background-operation API of the window.

``runner.db(op, on_done=...)`` runs ``op(state)`` on THE single database worker (writes are
serialised there, reads queue behind them so they see them); ``runner.work(op, ...)`` runs
on a small pool for network and CPU work. ``on_done(result)`` and ``on_error(exc)`` are
called on the GUI thread. An exception is never swallowed: without ``on_error`` it is
logged and reported through ``runner.failed`` (the main window shows it).

**Never touch widgets in ``op``** — it runs on a worker thread. Read what you need from
widgets before submitting, return plain data (ideally a small ``Changes`` value saying
what changed) and update widgets in ``on_done``.

Stale results are dropped: ops submitted with the same ``key`` supersede each other, and
only the newest one's callback runs (an older one is also asked to cancel through its
``OpState``). Progress and cancel go through the ``OpState`` passed into ``op``.
"""

from __future__ import annotations

import itertools
import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside an op (by ``state.check()``) when it was cancelled or superseded."""


@dataclass
class OpState:
    """Shared between the GUI and one op: cancel flag in, progress out (thread-safe)."""

    op_id: int
    _cancel: threading.Event = field(default_factory=threading.Event)
    _relay: Any = None
    _on_cancel: list[Callable[[], None]] = field(default_factory=list)

    def cancel(self) -> None:
        self._cancel.set()
        for callback in list(self._on_cancel):
            callback()

    def on_cancel(self, callback: Callable[[], None]) -> None:
        """Forward a cancel to a core object's own cancel (e.g. ``SyncProgress.cancel``);
        called at once when the op is already cancelled."""
        self._on_cancel.append(callback)
        if self._cancel.is_set():
            callback()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled

    def progress(self, done: int, total: int, text: str = "") -> None:
        """Report progress; delivered on the GUI thread to the op's ``on_progress``."""
        if self._relay is not None:
            self._relay.progressed.emit(self.op_id, done, total, text)


class _Relay(QObject):
    """Lives on the GUI thread; worker threads emit, Qt queues the call to the GUI thread."""

    finished = Signal(int, object, object)  # op id, result, exception
    progressed = Signal(int, int, int, str)


def _task(op: Callable[[OpState], Any], state: OpState, relay: _Relay) -> Callable[[], None]:
    """The op as a plain callable for ``QThreadPool.start``: the pool owns the runnable it
    wraps it in. (A Python subclass of QRunnable with auto-delete was freed by C++ after
    ``run`` while Python still held its wrapper; a garbage collection on the GUI thread
    during a later op then touched freed memory and crashed the process.)"""

    def run() -> None:
        try:
            result = op(state)
        except BaseException as exc:  # delivered to the GUI thread, never lost
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            relay.finished.emit(state.op_id, None, exc)
        else:
            relay.finished.emit(state.op_id, result, None)

    return run


@dataclass
class _Pending:
    state: OpState
    key: str | None
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    on_progress: Callable[[int, int, str], None] | None
    label: str


class OpRunner(QObject):
    """Runs ops off the GUI thread and calls back on it. One per application context."""

    failed = Signal(str, object)  # label, exception — for ops without their own on_error
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, workers: int = 3) -> None:
        super().__init__(parent)
        self._db_pool = QThreadPool(self)
        self._db_pool.setMaxThreadCount(1)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(workers)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._finished)
        self._relay.progressed.connect(self._progressed)
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._latest: dict[str, int] = {}
        self.dropped = 0  # stale results discarded (for tests and diagnostics)

    # submission -------------------------------------------------------------------------
    def db(self, op: Callable[[OpState], Any], **kwargs: Any) -> OpState:
        """Run ``op`` on the single database worker (serialised with every other db op)."""
        return self._submit(self._db_pool, op, **kwargs)

    def work(self, op: Callable[[OpState], Any], **kwargs: Any) -> OpState:
        """Run ``op`` on the pool (network, CPU); ops here may run in parallel."""
        return self._submit(self._pool, op, **kwargs)

    def _submit(
        self,
        pool: QThreadPool,
        op: Callable[[OpState], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        key: str | None = None,
        label: str = "",
    ) -> OpState:
        state = OpState(next(self._ids), _relay=self._relay)
        if key is not None:
            older = self._latest.get(key)
            if older is not None and older in self._pending:
                self._pending[older].state.cancel()
            self._latest[key] = state.op_id
        was_idle = not self._pending
        self._pending[state.op_id] = _Pending(
            state, key, on_done, on_error, on_progress, label or getattr(op, "__name__", "op")
        )
        if was_idle:
            self.busy_changed.emit(True)
        pool.start(_task(op, state, self._relay))
        return state

    # delivery (GUI thread) ----------------------------------------------------------------
    @Slot(int, int, int, str)
    def _progressed(self, op_id: int, done: int, total: int, text: str) -> None:
        pending = self._pending.get(op_id)
        if pending and pending.on_progress and not self._is_stale(pending):
            pending.on_progress(done, total, text)

    def _is_stale(self, pending: _Pending) -> bool:
        return pending.key is not None and self._latest.get(pending.key) != pending.state.op_id

    @Slot(int, object, object)
    def _finished(self, op_id: int, result: Any, error: BaseException | None) -> None:
        pending = self._pending.pop(op_id, None)
        if not self._pending:
            self.busy_changed.emit(False)
        if pending is None:
            return
        if self._is_stale(pending) or isinstance(error, Cancelled):
            self.dropped += 1
            log.debug("dropped stale result of %s (op %d)", pending.label, op_id)
            return
        if pending.key is not None:
            self._latest.pop(pending.key, None)
        if error is not None:
            log.error(
                "%s failed: %s\n%s",
                pending.label,
                error,
                getattr(error, "__traceback_text__", ""),
            )
            if pending.on_error is not None:
                pending.on_error(error)
            else:
                self.failed.emit(pending.label, error)
            return
        if pending.on_done is not None:
            try:
                pending.on_done(result)
            except Exception as exc:  # a bug in a callback: report it the same way
                log.exception("callback of %s failed", pending.label)
                self.failed.emit(pending.label, exc)

    # lifecycle ----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Cancel what is pending and wait for workers (call when the window closes)."""
        for pending in self._pending.values():
            pending.state.cancel()
        self._db_pool.waitForDone(timeout_ms)
        self._pool.waitForDone(timeout_ms)
