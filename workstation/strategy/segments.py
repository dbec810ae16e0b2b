"""Which 2×2 segment an account is in, for the strategy to pick its cadence.

The ability and willingness models (issue 17's other half) give each account both scores
and its ``segment``, cut at the models' own cut-offs (``SegmentModel.cutoff_bp``); where it
is stored it is used as it is (bare scores without one are cut at one half). Until an
account has been scored by them, the segment is approximated from what every account has:
willingness from the propensity score, ability from how long the account has gone unpaid
(a customer 90+ days late is taken as unable). The approximation is only a fallback; it is
never stored.
"""

from __future__ import annotations

from workstation.strategy.model import SEGMENTS

CUT_OFF = 0.5
UNABLE_AFTER_DAYS = 90


def segment_of(
    *,
    segment: str | None = None,
    ability: float | None = None,
    willingness: float | None = None,
    score: float | None = None,
    days_past_due: int = 0,
) -> str:
    if segment in SEGMENTS:
        return str(segment)
    willing = (willingness if willingness is not None else (score or 0.0)) >= CUT_OFF
    able = ability >= CUT_OFF if ability is not None else days_past_due < UNABLE_AFTER_DAYS
    return f"{'able' if able else 'unable'}_{'willing' if willing else 'unwilling'}"
