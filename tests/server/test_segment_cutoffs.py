"""Moving where the 2×2 cuts (``workstation-server segment-cutoffs``): the models in use are
published again with the new cut-off, every account's segment follows at once, the move is
audited, a bad cut-off changes nothing, and devices get the cut-off with the models — on
SQLite and PostgreSQL, through the real command line and the real backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from tests.server.conftest import BACKENDS, Backend, running_backend
from workstation.domain.enums import AccountStatus
from workstation.segments import parse_model
from workstation.server.cli import main
from workstation.server.models import AccountRow, AuditEntry, SegmentModelRow
from workstation.server.segmentation import current_models
from workstation.server.segmentation.cutoffs import ACTION

CLOSED = [s.value for s in AccountStatus if s.is_closed]


@pytest.fixture(scope="module", params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    with running_backend(request.param, tmp_path_factory, accounts=120) as started:
        yield started


def _open(backend: Backend) -> list[tuple[int, int, str]]:
    with backend.sessions() as session:
        return [
            (int(a), int(w), str(s))
            for a, w, s in session.execute(
                select(AccountRow.ability, AccountRow.willingness, AccountRow.segment).where(
                    AccountRow.status.not_in(CLOSED)
                )
            )
        ]


def test_a_raised_ability_cut_off_moves_the_segments_and_is_audited(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _open(backend)
    scores = sorted(a for a, _, _ in before)
    able = [a for a in scores if a >= 5000]
    cut = able[len(able) // 2] + 1  # half the able accounts fall below the new line
    assert sum(s.startswith("able_") for _, _, s in before) > sum(a >= cut for a in scores)

    assert (
        main(["segment-cutoffs", "--db", backend.url, "--ability", str(cut), "--by", "zhao.min"])
        == 0
    )
    out = capsys.readouterr().out
    assert f"ability: cut at {cut} bp (was 5000)" in out
    assert "willingness: cut at 5000 bp (unchanged)" in out
    assert "rescored" in out

    with backend.sessions() as session:
        ability, willingness = current_models(session)
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == ACTION)).all()
    assert (ability.cutoff_bp, willingness.cutoff_bp) == (cut, 5000)
    assert ability.metrics["cutoff_from"] == 5000
    assert [e.detail["changes"][0]["to"] for e in audit] == [cut]
    assert audit[0].detail["by"] == "zhao.min"
    after = _open(backend)
    assert after  # the same accounts, the scores untouched, the segments cut at the new line
    for ability_bp, willingness_bp, segment in after:
        able = "able" if ability_bp >= cut else "unable"
        willing = "willing" if willingness_bp >= 5000 else "unwilling"
        assert segment == f"{able}_{willing}"
    # the scores are the same models' (a rescore at a later instant may move one by a few
    # basis points: days since a payment grow; the write tolerance is 100)
    assert len(after) == len(scores)
    assert all(
        abs(x - y) < 100 for x, y in zip(sorted(a for a, _, _ in after), scores, strict=True)
    )

    # a device receives the cut-off with the models it scores offline
    agent = backend.login(backend.of_role("agent")[0].username)
    shipped = agent.get("/api/v1/segments/models").json()
    assert shipped["version"] == f"A{ability.version}/W{willingness.version}"
    assert parse_model(shipped["ability"], "wire").cutoff_bp == cut


def test_a_cut_off_out_of_range_changes_nothing(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    with backend.sessions() as session:
        rows = len(session.scalars(select(SegmentModelRow)).all())
    for bad in ("0", "10000", "-5"):
        assert main(["segment-cutoffs", "--db", backend.url, "--willingness", bad]) == 2
        assert "cut-off" in capsys.readouterr().err
    with backend.sessions() as session:
        assert len(session.scalars(select(SegmentModelRow)).all()) == rows
