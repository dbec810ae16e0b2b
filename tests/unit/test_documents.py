"""The repayment agreement a collector hands over: right to the cent, legible in Chinese and
English, the same bytes wherever it is printed, and identifiable by the hash in its footer."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests.unit.test_documents_support import (
    CUSTOMER,
    Party,
    agreement,
    deferral,
    pdf_pages_text,
    pdf_text,
    schedule,
    settlement,
)
from workstation.documents import (
    AccountSummary,
    DocumentError,
    DocumentLanguage,
    agreement_from_domain,
    render_agreement,
    render_specimen,
)
from workstation.documents.canonical import canonical_json
from workstation.documents.fonts import CJK, LATIN, markup, runs
from workstation.domain import Account, Customer, Language
from workstation.domain.money import Money
from workstation.plans.schedule import Instalment

ROOT = Path(__file__).resolve().parents[2]


def _row_pattern(*cells: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(cell) for cell in cells))


# --- every figure exactly as the calculator produced it ------------------------------------


@pytest.mark.parametrize("language", list(DocumentLanguage))
def test_every_instalment_amount_and_due_date_is_printed_exactly(
    language: DocumentLanguage,
) -> None:
    plan = schedule(24)
    document = render_agreement(agreement(plan, language))
    text = pdf_text(document.pdf)
    for row in plan.instalments:
        # One table row: number, due date, payment, principal, interest, balance after.
        pattern = _row_pattern(
            str(row.number),
            row.due_date.isoformat(),
            row.payment.format(),
            row.principal.format(),
            row.interest.format(),
            row.balance_after.format(),
        )
        assert pattern.search(text), f"instalment {row.number} not printed as computed"
    assert plan.total_paid.format() in text
    assert plan.total_interest.format() in text


def test_settlement_and_deferral_agreements_print_their_own_figures() -> None:
    offer = settlement()
    text = pdf_text(render_agreement(agreement(offer)).pdf)
    for part in offer.parts:
        row = _row_pattern(str(part.number), part.due_date.isoformat(), part.amount.format())
        assert row.search(text)
    assert offer.total.format() in text
    assert offer.discount.format() in text
    assert "协商结清" in text

    paused = deferral()
    text = pdf_text(render_agreement(agreement(paused)).pdf)
    for row in paused.schedule.instalments:
        assert _row_pattern(row.due_date.isoformat(), row.payment.format()).search(text)
    assert paused.resumes_on.isoformat() in text
    assert "延期还款" in text


def test_equal_principal_plan_with_down_payment_in_pounds() -> None:
    from workstation.plans.schedule import Method

    plan = schedule(12, currency="GBP", method=Method.EQUAL_PRINCIPAL, down_payment="2000.00")
    content = agreement(plan, DocumentLanguage.EN, jurisdiction="UK")
    content = replace(
        content,
        account=replace(
            content.account,
            balance=Money.of("24000.00", "GBP"),
            past_due=Money.of("0.00", "GBP"),
        ),
    )
    text = pdf_text(render_agreement(content).pdf)
    assert "£2,000.00" in text  # down payment
    assert plan.customer_total.format() in text
    assert "Equal principal parts" in text
    assert "MoneyHelper" in text  # the UK pack's free-advice statement


# --- Chinese is embedded, both languages legible -------------------------------------------


def test_cjk_font_is_embedded_as_a_subset() -> None:
    pdf = render_agreement(agreement(language=DocumentLanguage.ZH)).pdf
    # The font resources: a TrueType subset (six-letter tag + name) with its program embedded.
    assert re.search(rb"/BaseFont /[A-Z]{6}\+DroidSansFallback", pdf)
    assert b"/FontFile2" in pdf
    assert b"/ToUnicode" in pdf  # so the Chinese can be searched and copied
    if (pdffonts := _which("pdffonts")) is not None:
        listing = subprocess.run(
            [pdffonts, "-"], input=pdf, capture_output=True, check=False
        ).stdout.decode()
        if not listing:  # older poppler reads files only
            listing = _pdffonts_file(pdffonts, pdf)
        cjk_rows = [line for line in listing.splitlines() if "DroidSansFallback" in line]
        assert cjk_rows
        assert all(re.search(r"\byes\s+yes\s+yes\b", line) for line in cjk_rows)


def _which(name: str) -> str | None:
    import shutil

    return shutil.which(name)


def _pdffonts_file(pdffonts: str, pdf: bytes) -> str:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run(
            [pdffonts, handle.name], capture_output=True, check=True
        ).stdout.decode()


@pytest.mark.parametrize(
    ("language", "present", "absent"),
    [
        (DocumentLanguage.EN, ["Repayment Agreement", "Payment schedule"], ["还款协议"]),
        (DocumentLanguage.ZH, ["还款协议", "还款明细", "未还余额"], ["Repayment Agreement"]),
        (
            DocumentLanguage.BOTH,
            ["Repayment Agreement", "还款协议", "Due date", "到期日", "异议权利"],
            [],
        ),
    ],
)
def test_language_choice(language: DocumentLanguage, present: list[str], absent: list[str]) -> None:
    text = pdf_text(render_agreement(agreement(language=language)).pdf)
    for phrase in present:
        assert phrase in text
    for phrase in absent:
        assert phrase not in text


def test_script_runs_split_latin_and_chinese() -> None:
    assert runs("Balance 未还余额 ¥1,200.00") == (
        (LATIN, "Balance "),
        (CJK, "未还余额 "),
        (LATIN, "¥1,200.00"),
    )
    assert markup("A & B <李>") == f'A &amp; B &lt;<font name="{CJK}">李</font>&gt;'


# --- parties: the customer's id is masked -------------------------------------------------


def test_customer_id_is_printed_masked_even_if_given_in_full() -> None:
    leaky = replace(CUSTOMER, national_id_masked="31010119900101123X")
    assert leaky.national_id_masked == "**************123X"
    text = pdf_text(render_agreement(agreement(customer=leaky)).pdf)
    assert "**************123X" in text
    assert "31010119900101123X" not in text


# --- same inputs, same bytes --------------------------------------------------------------


def test_same_inputs_give_identical_bytes_in_one_process() -> None:
    first = render_agreement(agreement())
    second = render_agreement(agreement())
    assert first.pdf == second.pdf
    assert first.sha256 == second.sha256 == hashlib.sha256(first.pdf).hexdigest()


def test_same_inputs_give_identical_bytes_in_a_fresh_process_with_a_source_date() -> None:
    script = (
        "import sys, hashlib\n"
        "from tests.unit.test_documents_support import agreement\n"
        "from workstation.documents import render_agreement\n"
        "sys.stdout.write(hashlib.sha256(render_agreement(agreement()).pdf).hexdigest())\n"
    )
    # A clock or SOURCE_DATE_EPOCH must never reach the bytes.
    env = {"SOURCE_DATE_EPOCH": "1700000000", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        check=True,
        text=True,
    )
    assert result.stdout == render_agreement(agreement()).sha256


def test_pdf_dates_are_the_agreement_date_not_the_clock() -> None:
    pdf = render_agreement(agreement()).pdf
    assert b"/CreationDate (D:20250110000000+00'00')" in pdf
    assert b"/ModDate (D:20250110000000+00'00')" in pdf


def test_different_content_gives_different_hashes() -> None:
    base = render_agreement(agreement())
    other_language = render_agreement(agreement(language=DocumentLanguage.EN))
    other_reference = render_agreement(agreement(reference="AGR-TEST-0002"))
    assert (
        len({base.content_sha256, other_language.content_sha256, other_reference.content_sha256})
        == 3
    )
    assert len({base.sha256, other_language.sha256, other_reference.sha256}) == 3


# --- the content hash, printed on every page ----------------------------------------------


def test_content_hash_is_sha256_of_canonical_json_and_on_every_page() -> None:
    content = agreement(schedule(60))
    document = render_agreement(content)
    canonical = content.canonical()
    expected = hashlib.sha256(
        json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
    assert document.content_sha256 == expected == content.content_sha256()
    assert canonical_json(canonical) == content.canonical_json()
    # What the hash covers: parties, terms, schedule, statements, language.
    assert canonical["customer"]["national_id_masked"] == "**************123X"
    assert canonical["plan"]["instalments"]["schedule"][0]["payment"] == (
        content.plan.instalments[0].payment.wire()  # type: ignore[union-attr]
    )
    assert {s["code"] for s in canonical["statements"]} >= {"right_to_dispute", "hardship"}
    assert canonical["language"] == "both"
    pages = pdf_pages_text(document.pdf)
    assert len(pages) == document.pages > 1
    for number, text in enumerate(pages, start=1):
        # Extractors differ in how many spaces they keep between runs of glyphs (pypdf's
        # layout mode keeps `共    4 页`); what is printed is the same either way.
        page = " ".join(text.split())
        assert document.content_sha256 in page
        assert f"Page {number} of {document.pages}" in page
        assert f"第 {number} 页，共 {document.pages} 页" in page
        assert "AGR-TEST-0001" in page


# --- long schedules paginate with the header on every page --------------------------------


def test_120_instalments_paginate_with_the_table_header_on_each_page() -> None:
    plan = schedule(120, principal="98765.43")
    document = render_agreement(agreement(plan, DocumentLanguage.BOTH))
    pages = pdf_pages_text(document.pdf)
    assert document.pages == len(pages) >= 4
    row_pattern = re.compile(r"^\s*(\d{1,3})\s+(\d{4}-\d{2}-\d{2})\s+¥", re.MULTILINE)
    seen: list[int] = []
    pages_with_rows = 0
    for page in pages:
        numbers = [int(match.group(1)) for match in row_pattern.finditer(page)]
        if not numbers:
            continue
        pages_with_rows += 1
        header = page.index("Due date")
        assert "到期日" in page
        assert "Balance after" in page
        assert "剩余本金" in page
        first_row = row_pattern.search(page)
        assert first_row is not None
        assert header < first_row.start(), "the header sits above the rows"
        seen.extend(numbers)
    assert pages_with_rows >= 3
    assert seen == list(range(1, 121)), "every instalment once, in order, none lost at a break"


# --- bad input is refused clearly ---------------------------------------------------------


def test_empty_schedule_is_refused() -> None:
    empty = dataclasses.replace(schedule(), instalments=())
    with pytest.raises(DocumentError, match="schedule is empty"):
        render_agreement(agreement(empty))


def test_mismatched_currency_is_refused() -> None:
    dollars = schedule(currency="USD")
    content = agreement(dollars)
    content = replace(
        content,
        account=AccountSummary(
            number="ACC-1",
            product="Loan",
            balance=Money.of("24000.00", "CNY"),
            past_due=Money.of("0", "CNY"),
            days_past_due=0,
        ),
    )
    with pytest.raises(DocumentError, match="USD but the account is in CNY"):
        render_agreement(content)


def test_schedule_that_does_not_add_up_is_refused() -> None:
    plan = schedule(6)
    first = plan.instalments[0]
    tampered_row = Instalment(
        first.number,
        first.due_date,
        first.payment + Money.of("0.01", "CNY"),
        first.principal,
        first.interest,
        first.balance_after,
    )
    tampered = dataclasses.replace(plan, instalments=(tampered_row, *plan.instalments[1:]))
    with pytest.raises(DocumentError, match="do not add up"):
        render_agreement(agreement(tampered))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"jurisdiction": "atlantis"}, "No required statements for jurisdiction"),
        ({"reference": "  "}, "reference number"),
        ({"customer": Party(name="")}, "customer's name"),
    ],
)
def test_incomplete_content_is_refused(change: dict[str, object], message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        render_agreement(replace(agreement(), **change))  # type: ignore[arg-type]


def test_unknown_language_is_refused() -> None:
    with pytest.raises(DocumentError, match="choose en, zh or both"):
        DocumentLanguage.parse("fr")


# --- from the domain, and the specimen -----------------------------------------------------


def test_agreement_from_domain_objects() -> None:
    customer = Customer(
        id="c-1",
        name="Wang Qiang",
        name_alt="王强",
        timezone="Asia/Shanghai",
        jurisdiction="CN",
        language=Language.ZH,
        national_id_masked="110101198001011234",
    )
    account = Account(
        id="a-1",
        customer_id="c-1",
        product="Credit card",
        currency="CNY",
        principal=Money.of("24000.00", "CNY"),
        balance=Money.of("24000.00", "CNY"),
        past_due=Money.of("3000.00", "CNY"),
        days_past_due=62,
    )
    plan = schedule(12)
    content = agreement_from_domain(
        customer,
        account,
        plan,
        creditor=agreement().creditor,
        issued_on=date(2025, 1, 10),
    )
    assert content.language is DocumentLanguage.ZH  # the customer's language
    assert content.customer.national_id_masked == "**************1234"
    assert re.fullmatch(r"AGR-20250110-[0-9A-F]{8}", content.reference)
    again = agreement_from_domain(
        customer, account, plan, creditor=agreement().creditor, issued_on=date(2025, 1, 10)
    )
    assert again.reference == content.reference  # stable for the same plan
    text = pdf_text(render_agreement(content).pdf)
    assert "王强" in text
    assert "¥3,000.00" in text

    stranger = replace(account, customer_id="someone-else")
    with pytest.raises(DocumentError, match="does not belong"):
        agreement_from_domain(
            customer, stranger, plan, creditor=agreement().creditor, issued_on=date(2025, 1, 10)
        )


def test_specimen_is_marked_and_deterministic() -> None:
    plan = schedule(24)
    pdf = render_specimen(plan, "both")
    assert pdf == render_specimen(plan, DocumentLanguage.BOTH)
    text = pdf_text(pdf)
    assert "Specimen for legal review" in text
    assert "供法务审阅的样本" in text
    for row in plan.instalments:
        assert row.payment.format() in text
        assert row.due_date.isoformat() in text
    assert render_specimen(settlement("USD"), "en") != render_specimen(settlement("USD"), "zh")


def test_chinese_lines_break_between_characters_never_inside_amounts() -> None:
    from workstation.documents.blocks import break_lines
    from workstation.documents.fonts import register_fonts, string_width

    register_fonts()
    text = "您的账户 ACC-2024-000123 有一笔 ¥1,200.00 的款项将于 2025年1月20日 到期，请按时还款。"
    width = 120.0
    lines = break_lines(text, 9, width)
    assert len(lines) > 1
    assert all(string_width(line, 9) <= width + 9 for line in lines)  # at most a hung mark
    joined = "".join(lines)
    assert "ACC-2024-000123" in joined
    assert "¥1,200.00" in joined
    assert all(not line.startswith(("，", "。")) for line in lines)
    assert break_lines("第一行\n第二行", 9, 500) == ["第一行", "第二行"]
