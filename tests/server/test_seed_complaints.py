"""The seed registers the generator's complaints through the workflow, many in one
transaction: chunks of rows flushed together, versions reserved in blocks, each team's leads
read once. The book must come out as registering them one by one would leave it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.server.conftest import BACKENDS, PASSWORD, migrated_database
from workstation.domain.enums import EventType
from workstation.server.complaints import seed as complaints_seed
from workstation.server.complaints.models import ComplaintRow
from workstation.server.complaints.workflow import team_leads
from workstation.server.models import AccountRow, EventRow
from workstation.server.seed import seed
from workstation.server.versioning import committed_version
from workstation.workflows.complaints import State, Step
from workstation.workflows.references import complaint_reference


@pytest.fixture(params=BACKENDS)
def seeded(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[sessionmaker[Session]]:
    # blocks of 3: the seed's few complaints cross many chunk and version-block boundaries
    monkeypatch.setattr(complaints_seed, "_CHUNK", 3)
    # a fixed day: how many complaints the generator writes depends on its ``as_of`` (5 to 21
    # for this book across a few days), and "now" gave 5 on some hours
    as_of = datetime(2026, 12, 7, 12, tzinfo=UTC)
    with migrated_database(request.param, tmp_path_factory) as (_url, sessions):
        seed(sessions, accounts=600, teams=2, agents=2, seed=11, password=PASSWORD, as_of=as_of)
        yield sessions


def test_every_seeded_complaint_is_registered_as_the_workflow_would(
    seeded: sessionmaker[Session],
) -> None:
    with seeded() as session:
        intakes = [
            e
            for e in session.scalars(
                select(EventRow).where(EventRow.type == EventType.COMPLAINT.value)
            )
            if "step" not in e.payload
        ]
        rows = {r.id: r for r in session.scalars(select(ComplaintRow))}
        assert len(intakes) > 6, "the book should hold complaints across several blocks"
        assert {e.id for e in intakes} == set(rows)

        # references: each year's numbers run 1..n, none skipped or shared
        by_year: dict[int, list[str]] = defaultdict(list)
        for row in rows.values():
            by_year[row.received_on.year].append(row.reference)
        for year, references in by_year.items():
            expected = [complaint_reference(year, n) for n in range(1, len(references) + 1)]
            assert sorted(references) == expected

        # the owner: the team's first lead by name (none is complained about in the demo)
        for row in rows.values():
            account = session.get(AccountRow, row.account_id)
            assert account is not None
            leads = team_leads(session, account.team_id)
            assert row.owner_id == (leads[0].id if leads else None)

        # the steps: one register step each, a resolve step for those resolved, every
        # event's version its own and within the counter (devices hear of each)
        steps: dict[str, list[str]] = defaultdict(list)
        for event in session.scalars(
            select(EventRow).where(EventRow.type == EventType.COMPLAINT.value)
        ):
            if "step" in event.payload:
                steps[event.payload["complaint_id"]].append(event.payload["step"])
        for complaint_id, row in rows.items():
            expected_steps = [Step.REGISTER.value]
            if row.status == State.RESOLVED.value:
                expected_steps.append(Step.RESOLVE.value)
                assert row.outcome
                assert row.root_cause
                assert row.resolved_on
            assert sorted(steps[complaint_id]) == sorted(expected_steps)
        versions = list(session.scalars(select(EventRow.server_version)))
        assert len(versions) == len(set(versions))
        assert max(versions) <= committed_version(session)

        # registering again registers nothing
        assert complaints_seed.seed_complaints(session, [e.id for e in intakes]) == 0
        assert session.scalar(select(func.count()).select_from(ComplaintRow)) == len(rows)
