"""A customer is asked how a conversation went at most once in the rule pack's
``[portal] survey_every_days`` (30 in the shipped packs), on the real backend: right-party
calls pushed by the desk, the survey SMS jobs counted in the real database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tests.server.conftest import Api, Backend
from tests.server.workflow_helpers import open_account, push_event, world
from workstation.compliance.packs import RulePackError, load_pack
from workstation.domain.model import new_id
from workstation.resources import resource_path
from workstation.server.messaging.models import MessageJob
from workstation.server.models import AccountRow, ContactRow
from workstation.server.portal.models import PortalLink

__all__ = ["world"]  # the module's backend (a fixture)

RIGHT_PARTY = {"channel": "phone", "disposition": "RPC_NC", "notes": "talked it through"}


def _reachable(world: Backend, api: Api, skip: int) -> AccountRow:
    """An open Shanghai account of ``api``'s whose customer's phone is a consenting mobile."""
    account = open_account(world, api, "cn-nifa", skip=skip)
    with world.sessions.begin() as session:
        phone = session.scalar(
            select(ContactRow).where(
                ContactRow.customer_id == account.customer_id, ContactRow.kind == "phone"
            )
        )
        assert phone is not None
        phone.data = {
            **phone.data,
            "type": "mobile",
            "consent": True,
            "opted_out": False,
            "invalid": False,
        }
    return account


def _links(world: Backend, customer_id: str) -> list[PortalLink]:
    with world.sessions() as session:
        return list(
            session.scalars(
                select(PortalLink).where(
                    PortalLink.customer_id == customer_id, PortalLink.purpose == "survey"
                )
            )
        )


def test_a_customer_called_often_is_asked_once_a_month(world: Backend) -> None:
    agent = world.login(world.of_role("agent", "sh-desk")[0].username)
    account = _reachable(world, agent, skip=3)
    first_id, later_id = new_id(), new_id()
    first = push_event(agent, account.id, "contact_attempt", RIGHT_PARTY, event_id=first_id)
    assert first["status"] == "applied", first
    (link,) = _links(world, account.customer_id)
    assert link.rated_event_id == first_id
    # called back the same week about the promise: no second survey
    again = push_event(agent, account.id, "contact_attempt", RIGHT_PARTY)
    assert again["status"] == "applied", again
    assert len(_links(world, account.customer_id)) == 1
    # a month on (the first link moved back in time): the next conversation is asked about
    with world.sessions.begin() as session:
        session.execute(
            update(PortalLink)
            .where(PortalLink.id == link.id)
            .values(created_at=link.created_at - timedelta(days=31))
        )
    later = push_event(agent, account.id, "contact_attempt", RIGHT_PARTY, event_id=later_id)
    assert later["status"] == "applied", later
    rated = {row.rated_event_id for row in _links(world, account.customer_id)}
    assert rated == {first_id, later_id}
    with world.sessions() as session:
        jobs = session.scalars(
            select(MessageJob).where(
                MessageJob.account_id == account.id, MessageJob.template == "survey"
            )
        ).all()
    assert len(jobs) == 2  # one SMS per survey, none for the call in between


def test_the_pack_says_how_often_and_zero_asks_every_time(tmp_path: Path) -> None:
    shipped = resource_path("rules", "cn-nifa.toml")
    assert load_pack(shipped).portal.survey_every_days == 30
    text = shipped.read_text(encoding="utf-8")
    (tmp_path / "every").mkdir()
    (tmp_path / "bad").mkdir()
    every = tmp_path / "every" / "cn-nifa.toml"  # a pack is named by its file
    every.write_text(text.replace("survey_every_days = 30", "survey_every_days = 0"), "utf-8")
    assert load_pack(every).portal.survey_every_days == 0
    bad = tmp_path / "bad" / "cn-nifa.toml"
    bad.write_text(text.replace("survey_every_days = 30", "survey_every_days = -1"), "utf-8")
    with pytest.raises(RulePackError, match="survey_every_days"):
        load_pack(bad)
