"""Who is on the portal (issue 16): the one-time code plus the ID number's last four
characters *or* the date of birth on file, on the real backend (loopback HTTP, SQLite and
PostgreSQL); the attempt limit counts a wrong date as any wrong answer; and the code never
reaches a log."""

from __future__ import annotations

import html
import logging
from collections.abc import Iterator
from datetime import date

import pytest
import requests
from sqlalchemy import func, select

from tests.server.conftest import BACKENDS, Backend, running_backend
from tests.server.portal_helpers import Customer, app_of, csrf, customer
from workstation.server.models import AuditEntry, CustomerRow
from workstation.server.portal.access import MAX_FAILURES
from workstation.server.portal.models import PortalLink
from workstation.server.portal.texts import T
from workstation.server.seed import demo_birth_date

BORN = date(1984, 7, 3)


@pytest.fixture(scope="module", params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    with running_backend(request.param, tmp_path_factory, accounts=30) as started:
        yield started


def born_on(
    backend: Backend, person: Customer, born: date | None, language: str | None = None
) -> None:
    """Put ``born`` (and, given, the language) on file for the person behind the link."""
    with backend.sessions.begin() as session:
        link = session.get(PortalLink, person.token.split(".")[0])
        assert link is not None
        row = session.get(CustomerRow, link.customer_id)
        assert row is not None
        row.birth_date = born
        row.language = language or row.language


def answer(person: Customer, code: str, **fields: str) -> requests.Response:
    page = person.get(f"/portal/l/{person.token}")
    return person.post(
        f"/portal/l/{person.token}/verify", {"csrf": csrf(page.text), "code": code, **fields}
    )


def birth(born: date) -> dict[str, str]:
    return {
        "birth_year": str(born.year),
        "birth_month": str(born.month),
        "birth_day": str(born.day),
    }


def failures(backend: Backend, person: Customer) -> int:
    with backend.sessions() as session:
        link = session.get(PortalLink, person.token.split(".")[0])
        assert link is not None
        return link.failures


def test_every_seeded_customer_has_a_plausible_date_of_birth(backend: Backend) -> None:
    with backend.sessions() as session:
        rows = session.execute(select(CustomerRow.id, CustomerRow.birth_date)).all()
    assert rows
    assert all(born == demo_birth_date(cid) for cid, born in rows)
    assert all(date(1956, 1, 1) <= born <= date(2005, 12, 31) for _, born in rows)
    assert len({born for _, born in rows}) > len(rows) // 2  # not one date for everybody


def test_the_date_of_birth_alone_proves_who_it_is(backend: Backend) -> None:
    person = customer(backend)
    born_on(backend, person, BORN)
    page = person.get(f"/portal/l/{person.token}?lang=en")
    assert 'autocomplete="bday-year"' in page.text
    assert "date of birth" in page.text
    signed = answer(person, person.send_code(), **birth(BORN))
    assert signed.status_code == 200, signed.text
    assert signed.url.endswith("/portal/account")
    assert person.get("/portal/account").status_code == 200


def test_the_id_tail_still_proves_it_and_either_given_wrong_counts(backend: Backend) -> None:
    person = customer(backend)
    born_on(backend, person, BORN)
    code = person.send_code()
    # the right ID tail with a wrong date of birth: each proof given must match
    wrong = answer(person, code, id_last4="123X", **birth(date(1984, 7, 4)))
    assert wrong.status_code == 400
    assert str(MAX_FAILURES - 1) in wrong.text
    assert failures(backend, person) == 1
    signed = answer(person, code, id_last4="123x")
    assert signed.url.endswith("/portal/account")


def test_no_date_on_file_matches_no_date(backend: Backend) -> None:
    person = customer(backend)
    born_on(backend, person, None)
    code = person.send_code()
    assert answer(person, code, **birth(BORN)).status_code == 400
    assert failures(backend, person) == 1


def test_wrong_dates_of_birth_lock_the_link_at_the_same_limit(backend: Backend) -> None:
    person = customer(backend)
    born_on(backend, person, BORN)
    code = person.send_code()
    for n in range(1, MAX_FAILURES):
        page = answer(person, code, **birth(date(1984, 7, 3 + n)))
        assert page.status_code == 400
        assert failures(backend, person) == n
    assert answer(person, code, **birth(date(1990, 1, 1))).status_code == 423
    # locked: the right answer, too late
    assert answer_after_lock(person, code).status_code == 423


def answer_after_lock(person: Customer, code: str) -> requests.Response:
    data = {"csrf": "any", "code": code, **birth(BORN)}
    return person.post(f"/portal/l/{person.token}/verify", data)


def test_a_date_that_is_no_date_or_no_proof_at_all_counts_nothing(backend: Backend) -> None:
    person = customer(backend)
    born_on(backend, person, BORN, language="zh")
    code = person.send_code()
    for fields, says in (
        ({"birth_year": "1984", "birth_month": "2", "birth_day": "30"}, "bad_birth_date"),
        ({"birth_year": "84", "birth_month": "7", "birth_day": "3"}, "bad_birth_date"),
        ({"birth_year": "1984", "birth_month": "", "birth_day": "3"}, "bad_birth_date"),
        ({}, "give_a_proof"),
    ):
        page = answer(person, code, **fields)
        assert page.status_code == 400
        assert html.escape(T[says].get("zh")) in page.text  # the customer's language on file
        assert 'action="/portal/l/' in page.text  # the form again, the code still usable
    assert failures(backend, person) == 0
    assert answer(person, code, **birth(BORN)).url.endswith("/portal/account")


def test_the_code_reaches_the_phone_and_never_a_log(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    person = customer(backend)
    with caplog.at_level(logging.DEBUG):
        code = person.send_code()
        person.send_code("email")
    worker = app_of(backend).state.messaging.worker
    sms = worker.sms.sent[-1]
    assert code in sms.text  # the customer's phone has it
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "sent by the log gateway" in logged  # the log says a code went
    assert code not in logged
    assert sms.to not in logged
    assert worker.email.sent[-1].to not in logged
    with backend.sessions() as session:
        audited = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.action == "portal.code_sent",
                AuditEntry.entity_id == person.token.split(".")[0],
            )
        )
    assert audited == 2
