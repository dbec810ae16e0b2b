"""Ability and willingness on the server: the current models, training, promotion.

* ``current_models``: the newest *promoted* ability and willingness models (rows of
  ``segment_models``), else the ones shipped with the core — what ``scoring.rescore``
  applies to every open account alongside the propensity scorecard;
* ``training`` (scikit-learn, the server extra only; imported lazily):
  ``workstation-server train-models``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.segments.model import (
    ABILITY,
    WILLINGNESS,
    SegmentModel,
    default_models,
    parse_model,
)
from workstation.server.models import SegmentModelRow


def promoted_model(session: Session, kind: str) -> SegmentModel | None:
    """The newest promoted model of ``kind``, or None when none was ever promoted."""
    row = session.scalar(
        select(SegmentModelRow)
        .where(SegmentModelRow.kind == kind, SegmentModelRow.promoted.is_(True))
        .order_by(SegmentModelRow.id.desc())
        .limit(1)
    )
    return parse_model(row.model, f"segment_models[{row.id}]") if row is not None else None


def current_models(session: Session) -> tuple[SegmentModel, SegmentModel]:
    """(ability, willingness): the promoted ones, each falling back to the shipped model."""
    shipped_ability, shipped_willingness = default_models()
    return (
        promoted_model(session, ABILITY) or shipped_ability,
        promoted_model(session, WILLINGNESS) or shipped_willingness,
    )
