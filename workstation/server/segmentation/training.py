"""``workstation-server train-models``: fit the ability and willingness models, judge, promote.

Samples come from ``workstation.segments.samples.time_split`` over the whole outcome
history the backend holds: the fit sees the features at ``end − 2·horizon`` and what
followed; the judgement is out of time, at ``end − horizon``. Each model is a logistic
regression (scikit-learn) on standardised features; what is kept is its export —
means, scales, coefficients, intercept as JSON (``workstation.segments.model``) — which
the core evaluates in plain Python everywhere.

Judged on the validation samples: AUC, Brier score and a reliability table (ten bins of
predicted probability: mean prediction, observed rate, count). The model in use (the
newest promoted one, else the shipped one) is scored on the *same* samples; the new model
is promoted only if its AUC is not lower. Every trained model is stored with its
figures and the decision (``segment_models``), promoted or not, so a lead can see why.
When either model is promoted, every open account is rescored (``scoring.rescore``).

scikit-learn is imported here only, and this module only by the CLI and tests: the
server extra carries it, the desktop never does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from workstation.domain.model import Account, Customer, Event
from workstation.errors import WorkstationError
from workstation.segments.model import ABILITY, WILLINGNESS, ModelFeature, SegmentModel
from workstation.segments.samples import (
    ABILITY_FEATURES,
    WILLINGNESS_FEATURES,
    History,
    Sample,
    time_split,
)
from workstation.server.models import SegmentModelRow
from workstation.server.scoring import RescoreReport
from workstation.server.segmentation import current_models
from workstation.text import Text

RELIABILITY_BINS = 10
MIN_SAMPLES = 40  # per class and set: fewer cannot be judged


class TrainingError(WorkstationError, ValueError):
    """Too little outcome history to fit or to judge a model."""

    summary = Text(
        "The ability/willingness models could not be trained", "还款能力/意愿模型无法训练"
    )


@dataclass(frozen=True, slots=True)
class Judged:
    """One model's figures on a labelled set."""

    auc: float
    brier: float
    reliability: list[dict[str, float]]
    samples: int
    positives: int


@dataclass(frozen=True, slots=True)
class ModelReport:
    kind: str
    row_id: int
    model: SegmentModel
    train: Judged
    validation: Judged
    current_version: str
    current: Judged
    promoted: bool


@dataclass(frozen=True, slots=True)
class TrainingReport:
    models: list[ModelReport]
    training_cut: datetime
    validation_cut: datetime
    rescore: RescoreReport | None = None
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Book:
    as_of: datetime
    customers: Sequence[Customer]
    accounts: Sequence[Account]
    events: Sequence[Event]


def load_history(sessions: sessionmaker[Session]) -> History:
    """Every customer, account and event the backend holds, as domain objects."""
    from workstation.server.domain_rows import account_of, customer_of, event_of
    from workstation.server.models import AccountRow, CustomerRow, EventRow

    with sessions() as session:
        newest = session.scalar(select(func.max(EventRow.occurred_at)))
        if newest is None:
            raise TrainingError("no outcome history to learn from; seed or sync some first")
        customers = [customer_of(c) for c in session.scalars(select(CustomerRow))]
        accounts = [account_of(a) for a in session.scalars(select(AccountRow))]
        events = [event_of(e) for e in session.scalars(select(EventRow))]
    return _Book(newest.astimezone(UTC), customers, accounts, events)


def _labelled(samples: Sequence[Sample], kind: str) -> tuple[list[dict[str, float]], list[int]]:
    rows: list[dict[str, float]] = []
    labels: list[int] = []
    for sample in samples:
        label = sample.able if kind == ABILITY else sample.willing
        if label is not None:
            rows.append(sample.features)
            labels.append(int(label))
    return rows, labels


def judge(probabilities: Sequence[float], labels: Sequence[int]) -> Judged:
    """AUC, Brier score and a reliability table of ``RELIABILITY_BINS`` equal-width bins."""
    from sklearn.metrics import brier_score_loss, roc_auc_score

    table: list[dict[str, float]] = []
    for b in range(RELIABILITY_BINS):
        low, high = b / RELIABILITY_BINS, (b + 1) / RELIABILITY_BINS
        members = [
            (p, y)
            for p, y in zip(probabilities, labels, strict=True)
            if low <= p < high or (b == RELIABILITY_BINS - 1 and p == 1.0)
        ]
        if members:
            table.append(
                {
                    "from": low,
                    "to": high,
                    "predicted": round(math.fsum(p for p, _ in members) / len(members), 4),
                    "observed": round(sum(y for _, y in members) / len(members), 4),
                    "count": len(members),
                }
            )
    return Judged(
        auc=round(float(roc_auc_score(labels, probabilities)), 4),
        brier=round(float(brier_score_loss(labels, probabilities)), 4),
        reliability=table,
        samples=len(labels),
        positives=int(sum(labels)),
    )


def fit_model(
    kind: str,
    version: str,
    rows: Sequence[dict[str, float]],
    labels: Sequence[int],
    *,
    c: float = 1.0,
) -> SegmentModel:
    """A standardised L2 logistic regression (scikit-learn), exported as a ``SegmentModel``."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    names = ABILITY_FEATURES if kind == ABILITY else WILLINGNESS_FEATURES
    means: list[float] = []
    scales: list[float] = []
    for name in names:
        present = [r[name] for r in rows if name in r]
        mean = math.fsum(present) / len(present) if present else 0.0
        variance = math.fsum((v - mean) ** 2 for v in present) / len(present) if present else 0.0
        means.append(mean)
        # a constant feature carries no information; scale 1 keeps it harmless
        scales.append(math.sqrt(variance) if variance > 1e-12 else 1.0)
    matrix = np.array(
        [
            [(r.get(n, m) - m) / s for n, m, s in zip(names, means, scales, strict=True)]
            for r in rows
        ],
        dtype=float,
    )
    fit = LogisticRegression(C=c, max_iter=1000)
    fit.fit(matrix, np.array(labels, dtype=int))
    return SegmentModel(
        kind=kind,
        version=version,
        intercept=round(float(fit.intercept_[0]), 6),
        features=[
            ModelFeature(name, round(mean, 6), round(scale, 6), round(float(coef), 6))
            for name, mean, scale, coef in zip(names, means, scales, fit.coef_[0], strict=True)
        ],
    )


def _check(kind: str, where: str, labels: Sequence[int]) -> None:
    positives = sum(labels)
    if min(positives, len(labels) - positives) < MIN_SAMPLES:
        raise TrainingError(
            f"too little outcome history to {where} the {kind} model: {positives} positive "
            f"and {len(labels) - positives} negative samples (at least {MIN_SAMPLES} of each)"
        )


def train_from_history(
    history: History,
    current: tuple[SegmentModel, SegmentModel],
    *,
    horizon_days: int = 30,
    version: str = "new",
) -> tuple[list[tuple[SegmentModel, Judged, Judged, Judged, bool]], datetime, datetime]:
    """Fit, judge and decide both models; no database. Per kind (ability, willingness):
    (new model with its metrics, train figures, validation figures, current model's
    validation figures, promote?)."""
    train, validation, training_cut, validation_cut = time_split(history, horizon_days)
    out = []
    for kind, in_use in zip((ABILITY, WILLINGNESS), current, strict=True):
        rows, labels = _labelled(train, kind)
        _check(kind, "fit", labels)
        held_rows, held_labels = _labelled(validation, kind)
        _check(kind, "judge", held_labels)
        model = fit_model(kind, version, rows, labels)
        on_train = judge([model.probability(r) for r in rows], labels)
        on_validation = judge([model.probability(r) for r in held_rows], held_labels)
        on_current = judge([in_use.probability(r) for r in held_rows], held_labels)
        promote = on_validation.auc >= on_current.auc
        metrics: dict[str, Any] = {
            "training_cut": training_cut.isoformat(),
            "validation_cut": validation_cut.isoformat(),
            "horizon_days": horizon_days,
            "train": _figures(on_train),
            "validation": _figures(on_validation),
            "current": {"version": in_use.version, **_figures(on_current)},
            "promoted": promote,
        }
        # the cut-off in use carries over: a retrain changes the scores, not where a lead
        # chose to cut them
        model = model.revised(metrics=metrics, cutoff_bp=in_use.cutoff_bp)
        out.append((model, on_train, on_validation, on_current, promote))
    return out, training_cut, validation_cut


def _figures(judged: Judged) -> dict[str, Any]:
    return {
        "auc": judged.auc,
        "brier": judged.brier,
        "samples": judged.samples,
        "positives": judged.positives,
        "reliability": judged.reliability,
    }


def train_models(
    sessions: sessionmaker[Session],
    *,
    horizon_days: int = 30,
    rescore_accounts: bool = True,
) -> TrainingReport:
    """Train both models on the stored history, store them, promote the ones not worse."""
    history = load_history(sessions)
    with sessions() as session:
        current = current_models(session)
    results, training_cut, validation_cut = train_from_history(
        history, current, horizon_days=horizon_days
    )
    reports: list[ModelReport] = []
    now = datetime.now(UTC)
    with sessions.begin() as session:
        for (fitted, on_train, on_validation, on_current, promote), in_use in zip(
            results, current, strict=True
        ):
            row = SegmentModelRow(
                kind=fitted.kind,
                model=fitted.to_json(),
                metrics=fitted.metrics,
                promoted=promote,
                trained_at=now,
            )
            session.add(row)
            session.flush()  # the row's id is the model's version
            model = fitted.revised(version=str(row.id))
            row.model = model.to_json()
            reports.append(
                ModelReport(
                    model.kind,
                    row.id,
                    model,
                    on_train,
                    on_validation,
                    in_use.version,
                    on_current,
                    promote,
                )
            )
    rescored = None
    if rescore_accounts and any(r.promoted for r in reports):
        from workstation.server.scoring import rescore

        rescored = rescore(sessions)
    return TrainingReport(reports, training_cut, validation_cut, rescored, describe(reports))


def describe(reports: Sequence[ModelReport]) -> list[str]:
    """The printed report: figures, reliability tables and decisions."""
    lines: list[str] = []
    for r in reports:
        v = r.validation
        lines.append(
            f"{r.kind} model {r.model.version}: held-out (later period) AUC {v.auc:.3f}, "
            f"Brier {v.brier:.4f} on {v.samples} accounts ({v.positives} positive); "
            f"training AUC {r.train.auc:.3f} on {r.train.samples}"
        )
        lines.append(
            f"  model in use ({r.current_version}) on the same accounts: AUC "
            f"{r.current.auc:.3f}, Brier {r.current.brier:.4f} -> "
            + ("PROMOTED" if r.promoted else "not promoted (worse than the model in use)")
        )
        lines.append("  reliability: predicted  observed  count")
        for b in v.reliability:
            lines.append(
                f"    {b['from']:.1f}-{b['to']:.1f}     {b['predicted']:.3f}     "
                f"{b['observed']:.3f}  {int(b['count']):>6}"
            )
        for f in r.model.features:
            lines.append(f"  {f.name:<22} {f.coefficient:+.3f}")
    return lines
