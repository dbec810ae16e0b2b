"""``workstation-server`` commands on a real SQLite file: init-db, create-user, seed, train."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from workstation.server.cli import main
from workstation.server.db import make_engine, make_sessionmaker
from workstation.server.models import ScorecardRow, User


def test_init_create_user_seed_and_train(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    assert main(["init-db", "--db", url]) == 0
    assert "revision" in capsys.readouterr().out
    assert main(["create-user", "boss", "--role", "admin", "--password", "s3cret-pass",
                 "--db", url]) == 0  # fmt: skip
    assert main(["create-user", "boss", "--role", "agent", "--password", "x", "--db", url]) == 1
    assert main(["seed", "--accounts", "300", "--teams", "2", "--agents", "2", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "seeded 300 accounts" in out
    assert "li.na" in out
    assert "zhao.min" in out
    assert main(["train-scorecard", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "AUC on" in out
    engine = make_engine(url, pool_size=1)
    with make_sessionmaker(engine)() as session:
        versions = session.scalars(select(ScorecardRow.id).order_by(ScorecardRow.id)).all()
        assert versions == [1, 2]  # the default, then the refit
        trained = session.get(ScorecardRow, 2)
        assert trained is not None
        assert trained.auc is not None
        assert 0.5 < float(trained.auc) <= 1.0
        assert session.scalar(select(User.role).where(User.username == "boss")) == "admin"
    engine.dispose()
