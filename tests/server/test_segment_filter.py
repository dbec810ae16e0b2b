"""The lead's queue explorer filters by the 2×2 segment, and each row says its segment."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from tests.server.conftest import Backend
from workstation.domain.enums import Segment
from workstation.server.models import AccountRow, User


def test_the_segment_filter_returns_exactly_that_segments_team_accounts(backend: Backend) -> None:
    lead_name = next(u.username for u in backend.users.values() if u.role == "lead")
    lead = backend.login(lead_name)
    with backend.sessions() as session:
        team_id = session.scalar(select(User.team_id).where(User.username == lead_name))
        rows = session.execute(
            select(AccountRow.id, AccountRow.segment).where(AccountRow.team_id == team_id)
        ).all()
    by_segment = Counter(segment for _, segment in rows)
    assert len([s for s in by_segment if s]) >= 2  # the seeded book spans segments
    for segment in Segment:
        response = lead.get(
            "/api/v1/team/accounts", params={"segment": segment.value, "limit": "5000"}
        )
        assert response.status_code == 200, response.text
        page = response.json()
        expected = {i for i, s in rows if s == segment.value}
        assert {a["id"] for a in page["accounts"]} == expected
        assert page["total"] == len(expected)
        assert all(a["segment"] == segment.value for a in page["accounts"])
    bad = lead.get("/api/v1/team/accounts", params={"segment": "rich_and_cheerful"})
    assert bad.status_code == 422
