"""``train-models``: both models are trained on the outcome history, judged out of time,
stored with their figures, and promoted only when not worse than the models in use — on
SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from tests.server.conftest import BACKENDS, Backend, running_backend
from tests.server.model_helpers import backwards_in_use, put_in_use
from workstation.segments import parse_model
from workstation.segments.model import SegmentModel
from workstation.segments.samples import time_split
from workstation.server.models import AccountRow, SegmentModelRow
from workstation.server.segmentation import current_models

pytest.importorskip("sklearn")

from workstation.server.segmentation import training
from workstation.server.segmentation.training import (
    _labelled,
    fit_model,
    load_history,
    train_models,
)

# enough accounts for a few hundred labelled outcomes per model and period (the shared
# fixture's 120 are too few to judge a model by)
ACCOUNTS = 2500


@pytest.fixture(scope="module", params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    with running_backend(request.param, tmp_path_factory, accounts=ACCOUNTS) as started:
        yield started


def _rows(backend: Backend) -> list[SegmentModelRow]:
    with backend.sessions() as session:
        rows = list(session.scalars(select(SegmentModelRow).order_by(SegmentModelRow.id)))
        session.expunge_all()
    return rows


def test_a_fit_better_than_the_model_in_use_is_promoted_and_rescores(backend: Backend) -> None:
    backwards_in_use(backend)  # anything learned from the data beats the model in use

    report = train_models(backend.sessions, horizon_days=30)
    assert [r.kind for r in report.models] == ["ability", "willingness"]
    for model in report.models:
        assert model.current_version == f"reversed-{model.kind}"
        assert model.validation.auc > 0.5 > model.current.auc
        assert model.promoted
        assert 0.0 < model.validation.brier < 0.25
        # the reliability table counts every validation account once
        assert sum(int(b["count"]) for b in model.validation.reliability) == (
            model.validation.samples
        )
        assert all(0.0 <= b["observed"] <= 1.0 for b in model.validation.reliability)
    assert any("PROMOTED" in line for line in report.lines)
    stored = _rows(backend)[-2:]
    assert [(r.kind, r.promoted) for r in stored] == [("ability", True), ("willingness", True)]
    for row, model in zip(stored, report.models, strict=True):
        assert parse_model(row.model, "db").version == model.model.version
        assert row.metrics["validation"]["auc"] == model.validation.auc
        assert row.metrics["current"]["version"] == model.current_version
    with backend.sessions() as session:
        ability, willingness = current_models(session)
        assert (ability.version, willingness.version) == tuple(
            m.model.version for m in report.models
        )
        on_accounts = set(session.scalars(select(AccountRow.segment_model).distinct()))
    assert report.rescore is not None
    assert f"A{ability.version}/W{willingness.version}" in on_accounts


def test_a_fit_worse_than_the_model_in_use_is_stored_but_not_promoted(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The model in use was fitted on the validation period itself (it has seen the answers).
    # A fresh fit on the earlier period can still tie or edge past it by a few thousandths of
    # AUC on some days' demo book, so the fit here is made worse for certain: the real fit
    # with its coefficients reversed ranks the outcomes backwards (AUC below 0.5). What is
    # tested is the judging and the promotion decision, which run unchanged.
    real_fit = training.fit_model

    def backwards_fit(*args: Any, **kwargs: Any) -> SegmentModel:
        fitted = real_fit(*args, **kwargs)
        reversed_features = [replace(f, coefficient=-f.coefficient) for f in fitted.features]
        return SegmentModel(
            kind=fitted.kind,
            version=fitted.version,
            intercept=-fitted.intercept,
            features=reversed_features,
        )

    history = load_history(backend.sessions)
    _, validation, _, _ = time_split(history, 30)
    oracles = []
    for kind in ("ability", "willingness"):
        rows, labels = _labelled(validation, kind)
        oracle = fit_model(kind, "x", rows, labels)
        oracles.append(
            SegmentModel(
                kind=kind,
                version=f"oracle-{kind}",
                intercept=oracle.intercept,
                features=oracle.features,
            )
        )
    put_in_use(backend, oracles)
    with backend.sessions() as session:
        before = set(session.scalars(select(AccountRow.segment_model).distinct()))

    monkeypatch.setattr(training, "fit_model", backwards_fit)
    report = train_models(backend.sessions, horizon_days=30)
    for model in report.models:
        assert model.current_version == f"oracle-{model.kind}"
        assert model.validation.auc < 0.5 < model.current.auc
        assert not model.promoted
    assert any("not promoted" in line for line in report.lines)
    assert report.rescore is None
    stored = _rows(backend)[-2:]
    assert [(r.kind, r.promoted) for r in stored] == [("ability", False), ("willingness", False)]
    with backend.sessions() as session:
        ability, willingness = current_models(session)
        assert (ability.version, willingness.version) == ("oracle-ability", "oracle-willingness")
        assert set(session.scalars(select(AccountRow.segment_model).distinct())) == before


def test_train_models_on_the_command_line(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    from workstation.server.cli import main

    assert main(["train-models", "--db", backend.url]) == 0
    out = capsys.readouterr().out
    assert "ability model" in out
    assert "willingness model" in out
    assert "Brier" in out
    assert "reliability" in out


def test_a_retrained_model_keeps_the_cut_off_a_lead_chose(backend: Backend) -> None:
    from workstation.server.segmentation.cutoffs import set_cutoffs

    set_cutoffs(backend.sessions, ability=4200, willingness=5800, rescore_accounts=False)
    report = train_models(backend.sessions, horizon_days=30, rescore_accounts=False)
    assert [r.model.cutoff_bp for r in report.models] == [4200, 5800]
    for row in _rows(backend)[-2:]:
        assert parse_model(row.model, "db").cutoff_bp in (4200, 5800)
