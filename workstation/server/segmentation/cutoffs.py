"""``workstation-server segment-cutoffs``: where the 2×2 cuts ability and willingness.

The cut-off is part of each model (``SegmentModel.cutoff_bp``, 5000 by default), so moving
it is publishing the models in use again with the new cut-off: a promoted row per changed
kind (its id the new version, the coefficients untouched, the old cut-off and who moved it
in its metrics), an audit entry, and a rescore so every account's segment follows. Devices
receive the new models with their next pull (``GET /api/v1/segments/models``) and segment
offline at the same place. A later ``train-models`` keeps the cut-off.

Why move it: at 5000 a calibrated model calls "able" whoever is more likely able than not.
A lead whose hardship team is swamped may raise the ability cut-off (fewer accounts to
hardship plans); one whose firm-call team has room may lower willingness's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from workstation.segments.model import SegmentModel
from workstation.server.models import AuditEntry, SegmentModelRow
from workstation.server.scoring import RescoreReport, rescore
from workstation.server.segmentation import current_models

ACTION = "segment_cutoffs.set"


@dataclass(frozen=True, slots=True)
class CutoffChange:
    kind: str
    before: int
    after: int
    version: str  # the republished model's version (unchanged when the cut-off was)


@dataclass(frozen=True, slots=True)
class CutoffReport:
    changes: tuple[CutoffChange, ...]
    rescore: RescoreReport | None

    @property
    def changed(self) -> bool:
        return any(c.before != c.after for c in self.changes)


def _republish(session: Session, model: SegmentModel, cutoff: int, by: str) -> SegmentModel:
    metrics = {**model.metrics, "cutoff_from": model.cutoff_bp, "cutoff_set_by": by}
    revised = model.revised(metrics=metrics, cutoff_bp=cutoff)
    row = SegmentModelRow(
        kind=model.kind,
        model=revised.to_json(),
        metrics=metrics,
        promoted=True,
        trained_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()  # the row's id is the model's version, as for a trained model
    published = revised.revised(version=str(row.id))
    row.model = published.to_json()
    return published


def set_cutoffs(
    sessions: sessionmaker[Session],
    *,
    ability: int | None = None,
    willingness: int | None = None,
    by: str = "operator",
    rescore_accounts: bool = True,
) -> CutoffReport:
    """Publish the models in use with the given cut-offs (basis points; ``None`` keeps a
    kind's); rescore when either moved. A cut-off outside 1…9999 raises
    ``SegmentModelError`` before anything is written."""
    wanted = (ability, willingness)
    changes: list[CutoffChange] = []
    with sessions.begin() as session:
        for model, cutoff in zip(current_models(session), wanted, strict=True):
            if cutoff is None or cutoff == model.cutoff_bp:
                after = model.cutoff_bp if cutoff is None else cutoff
                changes.append(CutoffChange(model.kind, model.cutoff_bp, after, model.version))
                continue
            model.revised(cutoff_bp=cutoff)  # validates before any row is written
            published = _republish(session, model, cutoff, by)
            changes.append(CutoffChange(model.kind, model.cutoff_bp, cutoff, published.version))
        moved = [c for c in changes if c.before != c.after]
        if moved:
            session.add(
                AuditEntry(
                    at=datetime.now(UTC),
                    action=ACTION,
                    entity="segment_models",
                    entity_id="/".join(c.version for c in moved),
                    detail={
                        "by": by,
                        "changes": [
                            {"kind": c.kind, "from": c.before, "to": c.after, "version": c.version}
                            for c in moved
                        ],
                    },
                )
            )
    report = CutoffReport(tuple(changes), None)
    if report.changed and rescore_accounts:
        report = CutoffReport(report.changes, rescore(sessions))
    return report
