"""Contact strategies that run themselves, and champion / challenger experiments (issue 17).

The pure core: a strategy is data (``model``: ``resources/strategies/*.toml``, validated
whole on load), ``cadence`` says which steps fall due for an account on a day, ``assign``
splits a segment's accounts between champion and challenger by a deterministic hash, and
``stats`` says how sure an experiment's result is. The server runs them
(``workstation.server.strategy``); the lead's console shows them.
"""

from workstation.strategy.assign import CHALLENGER, CHAMPION, assign, stratum, unit_hash
from workstation.strategy.cadence import AccountState, due_steps, stopped_by, visit_wanted
from workstation.strategy.model import (
    SEGMENTS,
    Anchor,
    Step,
    Stop,
    Strategy,
    StrategyBook,
    StrategyError,
    Task,
    default_book,
    load_book,
    load_strategy,
    parse_strategy,
)
from workstation.strategy.segments import segment_of
from workstation.strategy.stats import Comparison, Estimate, RatioSums, Verdict, compare

__all__ = [
    "CHALLENGER",
    "CHAMPION",
    "SEGMENTS",
    "AccountState",
    "Anchor",
    "Comparison",
    "Estimate",
    "RatioSums",
    "Step",
    "Stop",
    "Strategy",
    "StrategyBook",
    "StrategyError",
    "Task",
    "Verdict",
    "assign",
    "compare",
    "default_book",
    "due_steps",
    "load_book",
    "load_strategy",
    "parse_strategy",
    "segment_of",
    "stopped_by",
    "stratum",
    "unit_hash",
    "visit_wanted",
]
