"""Segment models put in use by hand, so a test of ``train-models`` decides its outcome
instead of leaving promotion to how the day's demo book happens to fall."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.server.conftest import Backend
from workstation.segments.model import ModelFeature, SegmentModel
from workstation.segments.samples import time_split
from workstation.server.models import SegmentModelRow


def put_in_use(backend: Backend, models: list[SegmentModel]) -> None:
    """Store ``models`` as promoted: they are the models in use until a better one comes."""
    with backend.sessions.begin() as session:
        for model in models:
            session.add(
                SegmentModelRow(
                    kind=model.kind,
                    model=model.to_json(),
                    metrics={},
                    promoted=True,
                    trained_at=datetime.now(UTC),
                )
            )


def reversed_model(model: SegmentModel) -> SegmentModel:
    """The same model ranking every account the other way round (AUC becomes 1 − AUC)."""
    return SegmentModel(
        kind=model.kind,
        version=f"reversed-{model.kind}",
        intercept=model.intercept,
        features=[ModelFeature(f.name, f.mean, f.scale, -f.coefficient) for f in model.features],
    )


def backwards_in_use(backend: Backend, horizon_days: int = 30) -> None:
    """Put in use, for both kinds, a fit on the training period turned backwards: anything
    learned from the data beats it, so the next ``train-models`` promotes for certain."""
    from workstation.server.segmentation.training import _labelled, fit_model, load_history

    history = load_history(backend.sessions)
    train, _, _, _ = time_split(history, horizon_days)
    backwards = []
    for kind in ("ability", "willingness"):
        rows, labels = _labelled(train, kind)
        backwards.append(reversed_model(fit_model(kind, "x", rows, labels)))
    put_in_use(backend, backwards)
