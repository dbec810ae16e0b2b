"""A desk changes hands between shifts: another user signs in on a computer set up for the
first (``workstation.auth.handover``, through the sign-in's ``authenticate``), against the
real backend on a loopback port, with the in-memory keyring and a temporary profile.

The computer is handed over only once the first user's work is all on the server; until
then (and with a wrong password, or from a window already showing the data) nothing of
the first user's changes: same device, same store, same records waiting."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.keyring_memory import MemoryKeyring
from tests.seeded_store import record_note
from tests.server.conftest import PASSWORD, Backend, running_backend
from workstation import paths
from workstation.domain import Role

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with running_backend("sqlite", tmp_path_factory, accounts=120) as started:
        yield started


def _sign_in(backend: Backend, user: str, profile: Any, password: str = PASSWORD, **kw: Any) -> Any:
    from ui.dialogs.signin import authenticate

    return authenticate(backend.base, user, password, "", profile, **kw)


def _first_shift(backend: Backend) -> tuple[Any, str]:
    """Agent A signs in on a new computer and downloads the portfolio."""
    from workstation.auth.profile import LocalProfile

    profile = LocalProfile.open()
    agent = backend.of_role("agent")[0].username
    signed = _sign_in(backend, agent, profile, may_hand_over=True)
    assert signed.profile is profile  # a new computer is no one's: nothing to hand over
    signed.engine.sync()
    assert profile.store.queue_rows()
    return profile, agent


def _open_accounts_of(backend: Backend, username: str) -> set[str]:
    from sqlalchemy import select

    from workstation.domain.enums import AccountStatus
    from workstation.server.models import AccountRow, User

    with backend.sessions() as session:
        user_id = session.scalar(select(User.id).where(User.username == username))
        owned = session.execute(
            select(AccountRow.id, AccountRow.status).where(AccountRow.owner_id == user_id)
        ).all()
    return {id_ for id_, status in owned if not AccountStatus(status).is_closed}


def test_the_next_shift_takes_the_computer_once_the_first_users_work_is_synced(
    prepared_app: Any, backend: Backend, memory_keyring: MemoryKeyring
) -> None:
    from ui.dialogs.signin import SignInError

    profile, agent = _first_shift(backend)
    first_device = profile.device_id
    other = backend.of_role("agent")[1].username
    record_note(profile.store, profile.device_id, "left at the end of the shift")

    # a record not synced yet: refused, and the message says whose and what
    with pytest.raises(SignInError) as refused:
        _sign_in(backend, other, profile, may_hand_over=True)
    assert refused.value.field == "user"
    assert agent in str(refused.value)
    assert "1 record not synced" in str(refused.value)
    assert profile.device_id == first_device
    assert profile.store.pending_outbox_count() == 1

    # A syncs; a wrong password for B changes nothing either
    _sign_in(backend, agent, profile, may_hand_over=True).engine.sync()
    assert profile.store.pending_outbox_count() == 0
    with pytest.raises(SignInError, match="Wrong user name or password"):
        _sign_in(backend, other, profile, password="wrong", may_hand_over=True)
    assert profile.device_id == first_device
    assert profile.info.username == agent
    assert profile.store.queue_rows()  # A's portfolio still here

    # from a window already showing A's data: told to sign in at start
    with pytest.raises(SignInError, match="close the workstation"):
        _sign_in(backend, other, profile)

    # B takes the computer: a new device, A's data and saved sign-in gone, B's downloaded
    signed = _sign_in(backend, other, profile, may_hand_over=True)
    fresh = signed.profile
    assert fresh is not profile
    assert fresh.device_id != first_device
    assert fresh.info.username == other
    assert not any(first_device in name for _, name in memory_keyring.entries)
    assert fresh.store.is_empty()
    signed.engine.sync()
    held = {row.account_id for row in fresh.store.queue_rows()}
    assert held
    assert held == _open_accounts_of(backend, other)
    assert paths.store_path().exists()
    fresh.close()


def test_a_needs_attention_item_keeps_the_computer_with_its_user(
    prepared_app: Any, backend: Backend
) -> None:
    from ui.dialogs.signin import SignInError

    profile, agent = _first_shift(backend)
    profile.store.add_attention("conflict", "the customer's phone changed on the server")
    with pytest.raises(SignInError, match="1 item needing attention"):
        _sign_in(backend, backend.of_role("agent")[1].username, profile, may_hand_over=True)
    assert profile.info.username == agent
    assert profile.store.queue_rows()
    profile.close()


def test_the_demo_switches_roles_on_one_computer(prepared_app: Any) -> None:
    """``workstation demo`` then ``workstation demo --role lead`` on the same profile: the lead
    console opens on the lead's own sync (it fell back to the agent's local data, with a
    raw 409 from the server, before)."""
    from ui.demo import DEMO_USERS, provision_demo_data

    agent = provision_demo_data(120, Role.AGENT)
    try:
        assert agent.how == "synced", agent.problem
        assert agent.profile is not None
        assert agent.profile.info.username == DEMO_USERS[Role.AGENT]
        first_device = agent.profile.device_id
    finally:
        if agent.server is not None:
            agent.server.stop()
    lead = provision_demo_data(120, Role.LEAD)
    try:
        assert lead.how == "synced", lead.problem
        assert lead.profile is not None
        assert lead.profile.info.username == DEMO_USERS[Role.LEAD]
        assert lead.profile.device_id != first_device
        assert lead.store.queue_rows()  # the team's accounts, synced for the lead
    finally:
        if lead.server is not None:
            lead.server.stop()
        lead.store.close()


def test_the_demo_keeps_a_roles_unsynced_work_and_says_whose_it_is(prepared_app: Any) -> None:
    """The agent's demo left a record not synced: the lead's demo does not take the computer;
    it opens on the agent's local data, named as the agent's, and says why."""
    from ui.demo import DEMO_USERS, provision_demo_data
    from workstation.auth.handover import HandOverRefused

    agent = provision_demo_data(120, Role.AGENT)
    try:
        assert agent.profile is not None
        record_note(agent.profile.store, agent.profile.device_id)
    finally:
        if agent.server is not None:
            agent.server.stop()
    lead = provision_demo_data(120, Role.LEAD)
    try:
        assert lead.how == "existing"
        assert isinstance(lead.problem, HandOverRefused)
        assert DEMO_USERS[Role.AGENT] in str(lead.problem)
        assert lead.user == DEMO_USERS[Role.AGENT]
        assert lead.store.pending_outbox_count() == 1  # the record is still waiting
    finally:
        if lead.server is not None:
            lead.server.stop()
        lead.store.close()
