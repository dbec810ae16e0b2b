"""The customer's portal on the real backend (loopback HTTP, real database): a signed link,
a one-time code through the messaging transports, the account page, and each action as an
event with ``via: portal`` through the one write path — and every bad input refused with a
clear page and nothing recorded."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import select

from tests.server.conftest import BACKENDS, Backend, running_backend
from tests.server.portal_helpers import app_of, csrf, customer, portal_events
from workstation.domain.creditor import creditor
from workstation.server.models import (
    AccountRow,
    AuditEntry,
    Blob,
    ContactRow,
    CustomerRow,
    ReviewItem,
)
from workstation.server.portal.gateway import sign
from workstation.server.portal.models import PortalLink, PortalPayment


@pytest.fixture(scope="module", params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    with running_backend(request.param, tmp_path_factory, accounts=60) as started:
        yield started


def test_link_code_and_account_page_then_a_promise_reaches_the_owner(backend: Backend) -> None:
    person = customer(backend)
    with backend.sessions.begin() as session:  # a Chinese-speaking customer, on file
        account = session.get(AccountRow, person.account_id)
        assert account is not None
        on_file = session.get(CustomerRow, account.customer_id)
        assert on_file is not None
        on_file.language = "zh"
    opened = person.get(f"/portal/l/{person.token}")
    assert opened.status_code == 200
    csp = opened.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "script-src" not in csp
    assert "'unsafe-inline'" not in csp
    assert opened.headers["cache-control"] == "no-store"
    assert opened.headers["x-frame-options"] == "DENY"
    assert '<html lang="zh-Hans">' in opened.text  # the customer's language on file
    assert "123X" not in opened.text
    assert "0000" not in opened.text
    person.sign_in()
    page = person.get("/portal/account")
    assert page.status_code == 200
    assert "余额" in page.text
    english = person.get("/portal/account?lang=en")
    assert '<html lang="en">' in english.text
    assert "Balance" in english.text
    assert person.get("/portal/account").text.count('lang="en"') >= 1  # the choice is kept
    due = (datetime.now(UTC) + timedelta(days=5)).date().isoformat()
    done = person.form("/portal/promise", {"amount": "100.00", "due_date": due})
    assert done.status_code == 200, done.text
    assert "Thank you" in done.text
    (event,) = portal_events(backend, person.account_id, "promise")
    assert event.payload["via"] == "portal"
    assert event.payload["due_date"] == due
    # the owner's next pull carries it
    with backend.sessions() as session:
        account = session.get(AccountRow, person.account_id)
        assert account is not None
        assert account.status == "promise"
        owner = next(u for u in backend.report.users if u.user_id == account.owner_id)
    # every page shown is audited (by the link, never the customer's details)
    app_of(backend).state.portal.views.flush()
    with backend.sessions() as session:
        views = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "portal.view",
                AuditEntry.entity_id == person.token.split(".")[0],
            )
        ).all()
    assert {v.detail["page"] for v in views} >= {"verify", "account", "promise"}
    assert all(set(v.detail) == {"page"} for v in views)
    api = backend.login(owner.username)
    pulled = api.changes(event.server_version - 1)
    assert any(e["id"] == event.id for e in pulled["events"])


def test_a_tampered_or_expired_link_shows_nothing(backend: Backend) -> None:
    person = customer(backend)
    body, mac = person.token.split(".")
    tampered = person.get(f"/portal/l/{body}.{mac[:-1]}{'A' if mac[-1] != 'A' else 'B'}")
    assert (
        tampered.status_code == 404 and "does not work" in tampered.text
    ) or "无效" in tampered.text
    assert person.get(f"/portal/l/{body}x.{mac}").status_code == 404
    with backend.sessions.begin() as session:
        link = session.get(PortalLink, body)
        assert link is not None
        link.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    expired = person.get(f"/portal/l/{person.token}?lang=en")
    assert expired.status_code == 410
    assert "expired" in expired.text
    # the number (it once said the name): a customer in China calls the Chinese number in
    # either language
    assert f"Call us on {creditor().phone.zh}" in expired.text
    chinese = person.get(f"/portal/l/{person.token}?lang=zh")
    assert f"请致电{creditor().phone.zh}" in chinese.text
    assert person.get("/portal/account").status_code == 401  # and no visit without a code


def test_a_refusal_gives_the_number_of_the_customers_country(backend: Backend) -> None:
    """A UK customer reading English whose link expired (or locked) is told the UK number,
    not the US one every English reader was given."""
    person = customer(backend, jurisdiction="uk-conc", timezone="Europe/London")
    with backend.sessions.begin() as session:
        link = session.get(PortalLink, person.token.split(".")[0])
        assert link is not None
        link.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    expired = person.get(f"/portal/l/{person.token}?lang=en")
    assert expired.status_code == 410
    assert "+44 800 055 0142" in expired.text
    assert creditor().phone.en not in expired.text


def test_wrong_answers_lock_the_link_and_say_how_to_get_a_new_one(backend: Backend) -> None:
    person = customer(backend)
    code = person.send_code()
    wrong = str((int(code) + 1) % 1_000_000).zfill(6)
    for left in (4, 3, 2, 1):
        answer = person.answer(wrong)
        assert answer.status_code == 400
        assert str(left) in answer.text
    assert person.answer(code, tail="9999").status_code == 423  # the fifth: a wrong ID
    late = {"csrf": "any", "code": code, "id_last4": "123X"}  # the right answer, too late
    assert person.post(f"/portal/l/{person.token}/verify", late).status_code == 423
    page = person.get(f"/portal/l/{person.token}?lang=en")
    assert page.status_code == 423
    assert "locked" in page.text
    assert "Call us" in page.text
    assert person.get("/portal/account").status_code == 401


def test_a_replayed_form_is_refused_and_records_nothing_more(backend: Backend) -> None:
    person = customer(backend)
    person.sign_in()
    page = person.get("/portal/promise")
    form = {
        "csrf": csrf(page.text),
        "amount": "50",
        "due_date": datetime.now(UTC).date().isoformat(),
    }
    assert person.post("/portal/promise", form).status_code == 200
    again = person.post("/portal/promise", form)
    assert again.status_code == 403
    forged = person.post("/portal/promise", {**form, "csrf": "x.y"})
    assert forged.status_code == 403
    assert len(portal_events(backend, person.account_id, "promise")) == 1


def test_a_plan_is_agreed_with_consent_and_a_forged_one_is_refused(backend: Backend) -> None:
    person = customer(backend)
    person.sign_in()
    plans = person.get("/portal/plan?lang=en")
    assert "instalments%3A6" in plans.text or "instalments:6" in plans.text
    # a deeper settlement than policy, forged into the form
    review = person.get("/portal/plan/review?option=instalments:6")
    assert review.status_code == 200
    token = csrf(review.text)
    forged = person.post(
        "/portal/plan/agree",
        {"csrf": token, "option": "settlement:10", "name": "x", "consent": "on"},
    )
    assert forged.status_code == 400
    assert "cannot be agreed online" in forged.text
    assert person.get("/portal/plan/review?option=instalments:60").status_code == 400
    # no consent: asked again, nothing recorded
    review = person.get("/portal/plan/review?option=instalments:6")
    no_consent = person.post(
        "/portal/plan/agree",
        {"csrf": csrf(review.text), "option": "instalments:6", "name": "Someone Else"},
    )
    assert no_consent.status_code == 400
    assert portal_events(backend, person.account_id, "plan_agreement") == []
    with backend.sessions() as session:
        account = session.get(AccountRow, person.account_id)
        assert account is not None
        from workstation.server.models import CustomerRow

        name = session.get(CustomerRow, account.customer_id).name  # type: ignore[union-attr]
    draft = person.get("/portal/plan/draft.pdf?option=instalments:6")
    assert draft.status_code == 200
    assert draft.content.startswith(b"%PDF")
    review = person.get("/portal/plan/review?option=instalments:6")
    agreed = person.post(
        "/portal/plan/agree",
        {
            "csrf": csrf(review.text),
            "option": "instalments:6",
            "name": f"  {name.upper()} ",
            "consent": "on",
        },
    )
    assert agreed.status_code == 200, agreed.text
    (plan,) = portal_events(backend, person.account_id, "plan_agreement")
    assert plan.payload["instalments"] == 6
    assert plan.payload["via"] == "portal"
    assert plan.payload["consent_ip"] == "127.0.0.1"
    assert plan.payload["consent_at"]
    assert plan.payload["document_reference"]
    sha = plan.payload["document_sha256"]
    pdf = person.get(f"/portal/documents/{sha}")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    with backend.sessions() as session:
        assert session.get(Blob, sha) is not None
        assert session.get(AccountRow, person.account_id).status == "plan"  # type: ignore[union-attr]


def _weekday_ahead(zone: str) -> str:
    day = datetime.now(ZoneInfo(zone)).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.isoformat()


def test_a_callback_outside_the_hours_is_refused_with_the_next_allowed_times(
    backend: Backend,
) -> None:
    person = customer(backend, "CN", "Asia/Shanghai")
    person.sign_in()
    day = _weekday_ahead("Asia/Shanghai")
    late = person.form("/portal/callback?lang=en", {"day": day, "time": "23:30"})
    assert late.status_code == 400
    assert "may not call you" in late.text
    assert "We can call you at" in late.text
    assert portal_events(backend, person.account_id) == []
    fine = person.form("/portal/callback", {"day": day, "time": "10:00"})
    assert fine.status_code == 200, fine.text
    (attempt,) = portal_events(backend, person.account_id, "contact_attempt")
    assert attempt.payload["disposition"] == "CB"
    assert attempt.payload["via"] == "portal"
    at = datetime.fromisoformat(attempt.payload["callback_at"])
    assert at.astimezone(ZoneInfo("Asia/Shanghai")).hour == 10
    # the owner's queue reads it as the callback the customer asked for
    from workstation.queue.inputs import pending_callback
    from workstation.server.domain_rows import event_of

    assert pending_callback([event_of(attempt)], datetime.now(UTC)) == at


def test_hardship_complaint_dispute_and_opt_out(backend: Backend) -> None:
    person = customer(backend)
    person.sign_in()
    hardship = person.form("/portal/hardship?lang=en", {"details": "I lost my job last month"})
    assert hardship.status_code == 200
    assert "30 days" in hardship.text
    complaint = person.form(
        "/portal/complaint?lang=en", {"category": "staff_conduct", "details": "Rude caller"}
    )
    assert complaint.status_code == 200
    assert "CP-" in complaint.text
    bad = person.form("/portal/dispute", {"reason": "because", "details": ""})
    assert bad.status_code == 400
    dispute = person.form("/portal/dispute?lang=en", {"reason": "already_paid", "details": ""})
    assert dispute.status_code == 200
    assert "DP-" in dispute.text
    stop = person.form("/portal/preferences", {"stop_sms": "on"})
    assert stop.status_code == 200
    events = portal_events(backend, person.account_id)
    assert [e.type for e in events] == ["flag_change", "complaint", "dispute", "contact_attempt"]
    with backend.sessions() as session:
        review = session.scalar(
            select(ReviewItem).where(
                ReviewItem.account_id == person.account_id, ReviewItem.kind == "hardship_review"
            )
        )
        assert review is not None
        phone = session.scalar(
            select(ContactRow).where(
                ContactRow.customer_id == events[0].customer_id, ContactRow.kind == "phone"
            )
        )
        assert phone is not None
        assert phone.data.get("opted_out") is True


def test_pay_now_books_only_from_the_signed_webhook_once(backend: Backend) -> None:
    person = customer(backend)
    person.sign_in()
    page = person.get("/portal/pay")
    checkout = person.post("/portal/pay", {"csrf": csrf(page.text), "amount": "25.00"})
    assert checkout.status_code == 200
    assert "/portal/gateway/stand-in/" in checkout.url
    reference = checkout.url.rsplit("/", 1)[1]
    with backend.sessions() as session:
        payment = session.get(PortalPayment, reference)
        assert payment is not None
        assert payment.status == "created"
    # a forged notification: refused, nothing booked
    body = json.dumps(
        {
            "id": "evt_forged",
            "type": "payment.succeeded",
            "payment": {
                "reference": reference,
                "amount": "25.00",
                "currency": payment.currency,
                "gateway_ref": "x",
            },
        }
    ).encode()
    hook = f"{backend.base}/portal/webhooks/payments"
    bad = requests.post(
        hook,
        data=body,
        headers={"X-Gateway-Signature": sign("not-the-secret", body, int(time.time()))},
        timeout=10,
    )
    assert bad.status_code == 400
    secret = app_of(backend).state.portal.gateway.secret
    old = requests.post(
        hook,
        data=body,
        headers={"X-Gateway-Signature": sign(secret, body, int(time.time()) - 3600)},
        timeout=10,
    )
    assert old.status_code == 400
    assert portal_events(backend, person.account_id, "payment") == []
    # the customer pays on the gateway's page: the webhook books it, the return page says so
    paid = person.post(
        checkout.url.replace(backend.base, ""), {"csrf": csrf(checkout.text), "action": "pay"}
    )
    assert paid.status_code == 200
    assert "/portal/pay/return/" in paid.url
    (booked,) = portal_events(backend, person.account_id, "payment")
    assert booked.payload["source"] == "confirmed"
    assert booked.payload["method"] == "portal"
    # the same notification again (a replay within the window) books nothing more
    fresh = sign(secret, body, int(time.time()))
    first = requests.post(hook, data=body, headers={"X-Gateway-Signature": fresh}, timeout=10)
    second = requests.post(hook, data=body, headers={"X-Gateway-Signature": fresh}, timeout=10)
    assert first.json()["status"] == "duplicate"
    assert second.json()["status"] == "duplicate"
    assert len(portal_events(backend, person.account_id, "payment")) == 1


def test_a_survey_is_answered_once(backend: Backend) -> None:
    from workstation.server.portal.access import issue_link

    person = customer(backend)
    with backend.sessions.begin() as session:
        account = session.get(AccountRow, person.account_id)
        assert account is not None
        token = issue_link(
            session, app_of(backend).state.portal.keys, account, datetime.now(UTC), purpose="survey"
        )
    http = requests.Session()
    page = http.get(f"{backend.base}/portal/survey/{token}", timeout=10)
    assert page.status_code == 200
    empty = http.post(
        f"{backend.base}/portal/survey/{token}", data={"csrf": csrf(page.text)}, timeout=10
    )
    assert empty.status_code == 400
    done = http.post(
        f"{backend.base}/portal/survey/{token}",
        data={"csrf": csrf(empty.text), "score": "4", "comment": "kind"},
        timeout=10,
    )
    assert done.status_code == 200
    (rating,) = portal_events(backend, person.account_id, "satisfaction")
    assert rating.payload["score"] == 4
    assert rating.payload["source"] == "survey"
    assert http.get(f"{backend.base}/portal/survey/{token}", timeout=10).status_code == 410
    # a survey link opens no account page
    assert http.get(f"{backend.base}/portal/l/{token}", timeout=10).status_code == 404
