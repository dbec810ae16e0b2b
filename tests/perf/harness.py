"""A tiny benchmark harness: each benchmark measures one DESIGN §9 (or issue) target.

A benchmark is a function decorated with ``@benchmark`` that returns a ``Measurement``
(or a list of them). The runner (``python -m tests.perf``) imports every ``bench_*.py`` in
this folder, runs them, and prints measured figure, target and ratio (measured ÷ target;
≤ 1 means the target is met). Timings are wall-clock on this machine; nothing here is a
pass/fail unit test.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

Benchmark = Callable[[], "Measurement | list[Measurement]"]
REGISTRY: list[tuple[str, Benchmark]] = []


@dataclass
class Measurement:
    name: str
    measured: float
    target: float | None
    unit: str = "s"
    note: str = ""
    lower_is_better: bool = True

    @property
    def ratio(self) -> float | None:
        if not self.target:
            return None
        return self.measured / self.target if self.lower_is_better else self.target / self.measured

    @property
    def met(self) -> bool | None:
        ratio = self.ratio
        return None if ratio is None else ratio <= 1.0


def benchmark(name: str) -> Callable[[Benchmark], Benchmark]:
    def register(func: Benchmark) -> Benchmark:
        REGISTRY.append((name, func))
        return func

    return register


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """``with stopwatch() as t: ...`` then ``t[0]`` is the elapsed seconds."""
    box: list[float] = []
    start = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - start)


def best_of(repeats: int, func: Callable[[], object]) -> float:
    """Best wall-clock time of ``repeats`` runs (the least disturbed by the machine)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best
