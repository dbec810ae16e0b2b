"""Ability and willingness to pay: the two scores, their reasons, and the 2×2 segment.

This room owns what the desk, the lead and the server agree on about segmentation:

* ``classify``: (ability, willingness, thresholds) → ``Segment`` — a pure function;
* ``SegmentModel``: one exported model (ability or willingness) as data — standardised
  logistic coefficients in JSON — evaluated in plain Python, so the desktop never needs
  scikit-learn (the backend trains with it: ``workstation.server.segmentation``);
* ``assess``: both models on one account's features → ``Assessment`` (scores in basis
  points, the segment, the top reasons per score, the model versions).

Scores are probabilities stored as integer basis points (0…10,000), so they compare and
store exactly on every database and on the wire.
"""

from workstation.segments.classify import (
    BASIS,
    DEFAULT_THRESHOLDS,
    Thresholds,
    classify,
    to_basis_points,
)
from workstation.segments.model import (
    ABILITY,
    KINDS,
    WILLINGNESS,
    Assessment,
    SegmentModel,
    SegmentModelError,
    assess,
    default_models,
    parse_model,
)
from workstation.segments.reasons import ScoreReason, reason_of

__all__ = [
    "ABILITY",
    "BASIS",
    "DEFAULT_THRESHOLDS",
    "KINDS",
    "WILLINGNESS",
    "Assessment",
    "ScoreReason",
    "SegmentModel",
    "SegmentModelError",
    "Thresholds",
    "assess",
    "classify",
    "default_models",
    "parse_model",
    "reason_of",
    "to_basis_points",
]
