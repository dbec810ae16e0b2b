"""The call guide's required disclosures at the desk (issue 18): a right-party outcome records
which were confirmed; without them the save is refused once with what is missing, and then
recorded only with a reason, which travels on the contact attempt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.seeded_store import seeded_store
from workstation.desk import DeskService, OutcomeInput, ValidationError
from workstation.desk.callguide import call_guide
from workstation.domain import Channel


@pytest.fixture
def desk(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskService]:
    store = seeded_store(tmp_path_factory, tmp_path / "desk.db", accounts=60, seed=11)
    yield DeskService(store, "device-1", "li.na")
    store.close()


def _account(desk: DeskService) -> tuple[str, datetime]:
    item = next(i for i in desk.queue() if i.status == "open" and not i.flags)
    zone = ZoneInfo(desk.account(item.account_id).customer.timezone)
    ten = datetime.now(zone).replace(hour=10, minute=0, second=0, microsecond=0)
    return item.account_id, ten.astimezone(UTC)


def _attempt(desk: DeskService, account_id: str) -> dict[str, object]:
    events = desk.store.load_account(account_id).events
    return next(e for e in events if e.type == "contact_attempt").payload


def test_every_pack_names_its_disclosures() -> None:
    for key in ("US", "UK", "CN", "xx"):
        guide = call_guide(key)
        assert len(guide.disclosure_ids) == len(guide.disclosures) >= 1
    assert "mini_miranda" in call_guide("US").disclosure_ids


def test_a_right_party_call_asks_again_then_records_not_given_with_a_reason(desk) -> None:
    account, now = _account(desk)
    ids = desk.account(account).call_guide.disclosure_ids
    with pytest.raises(ValidationError) as caught:
        desk.log_outcome(OutcomeInput(account, "RPC_NC", disclosures_given=ids[:1]), now=now)
    assert set(caught.value.errors) == {"disclosures"}
    message = caught.value.errors["disclosures"]
    assert f"{len(ids) - 1} required disclosure(s) not confirmed" in message.en
    assert "必要告知未确认" in message.zh
    desk.log_outcome(
        OutcomeInput(account, "RPC_NC", disclosures_given=ids[:1],
                     disclosures_reason="customer hung up before I could finish"),
        now=now,
    )  # fmt: skip
    payload = _attempt(desk, account)
    assert payload["disclosures_given"] == list(ids[:1])
    assert payload["disclosures_missing"] == list(ids[1:])
    assert payload["disclosures_reason"] == "customer hung up before I could finish"


def test_all_confirmed_records_them_and_no_reason(desk) -> None:
    account, now = _account(desk)
    ids = desk.account(account).call_guide.disclosure_ids
    desk.log_outcome(OutcomeInput(account, "RPC_NC", disclosures_given=ids), now=now)
    payload = _attempt(desk, account)
    assert payload["disclosures_given"] == list(ids)
    assert "disclosures_missing" not in payload
    assert "disclosures_reason" not in payload


def test_no_checklist_for_no_contact_a_third_party_or_a_message(desk) -> None:
    account, now = _account(desk)
    for code, channel in (("NA", Channel.PHONE), ("TP", Channel.PHONE),
                          ("OPTOUT", Channel.SMS)):  # fmt: skip
        desk.log_outcome(OutcomeInput(account, code, channel=channel), now=now)
        assert "disclosures_given" not in _attempt(desk, account)


def test_a_disclosure_of_another_guide_is_refused(desk) -> None:
    account, now = _account(desk)
    with pytest.raises(ValidationError) as caught:
        desk.log_outcome(OutcomeInput(account, "RPC_NC", disclosures_given=("made_up",)), now=now)
    assert "made_up" in caught.value.errors["disclosures"].en
