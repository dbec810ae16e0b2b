"""No customer document lies in plain bytes in the profile (issue 20, data protection).

A signed-in profile (the store key in the keyring, here the in-memory one) opens its
SQLCipher store; the desk agrees a plan for a customer with a Latin name and one with a
Chinese name, which renders each agreement, keeps its PDF and records the plan; the agent
reads the PDF back as the Documents tab does. Then every file under the profile folder is
read: no PDF header, and neither customer's name, may appear in plain bytes.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from workstation.auth.profile import LocalProfile
from workstation.demo.generator import generate_portfolio
from workstation.desk import DeskService
from workstation.domain.enums import AccountStatus, Language

LATIN = "Eleanor Whitfield-Okonkwo"
CHINESE = "欧阳明月"


def _with_names(portfolio, names: dict[str, tuple[str, Language]]):  # type: ignore[no-untyped-def]
    customers = [
        dataclasses.replace(c, name=names[c.id][0], language=names[c.id][1], name_alt="")
        if c.id in names
        else c
        for c in portfolio.customers
    ]
    return dataclasses.replace(portfolio, customers=customers)


def test_agreements_stored_at_the_desk_leave_no_plain_pdf_or_name_in_the_profile(
    workstation_home: Path,
) -> None:
    portfolio = generate_portfolio(30, seed=11)
    where = {c.id: c.jurisdiction for c in portfolio.customers}
    open_accounts = [a for a in portfolio.accounts if a.status == AccountStatus.OPEN]
    english = next(a for a in open_accounts if not where[a.customer_id].startswith("cn"))
    chinese = next(a for a in open_accounts if where[a.customer_id].startswith("cn"))
    portfolio = _with_names(
        portfolio,
        {english.customer_id: (LATIN, Language.EN), chinese.customer_id: (CHINESE, Language.ZH)},
    )
    profile = LocalProfile.open()
    try:
        assert profile.store.encrypted
        profile.store.bulk_load(portfolio)
        desk = DeskService(profile.store, profile.device_id, "li.na")
        pdfs: list[bytes] = []
        for account in (english, chinese):
            comparison = desk.compare_plans(
                account.id, monthly_income="5000", monthly_expenses="1000"
            )
            option = next(o for o in comparison.options if not o.warnings)
            agreed = desk.agree_plan(account.id, option)
            digest = desk.account(account.id).events[0].payload["document_sha256"]
            assert desk.agreement_pdf(digest) == agreed.document.pdf  # the desk reads it back
            pdfs.append(agreed.document.pdf)
        assert all(pdf.startswith(b"%PDF") for pdf in pdfs)
    finally:
        profile.close()

    files = [p for p in workstation_home.rglob("*") if p.is_file()]
    assert any(p.parent.parent.name == "blobs" for p in files), "the blobs are in the profile"
    needles = [b"%PDF", LATIN.encode("utf-8"), CHINESE.encode("utf-8")]
    found = [
        (str(path.relative_to(workstation_home)), needle.decode("utf-8"))
        for path in files
        for needle in needles
        if needle in path.read_bytes()
    ]
    assert found == [], f"plain customer data in the profile: {found}"
