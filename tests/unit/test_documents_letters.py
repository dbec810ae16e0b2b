"""Letters (reminder, settlement offer, paid in full), and the plan CLI's ``--pdf`` hook."""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests.unit.test_documents_support import CREDITOR, CUSTOMER, pdf_pages_text, pdf_text
from tests.unit.test_documents_support import schedule as make_schedule
from tests.unit.test_documents_support import settlement as make_settlement
from workstation.documents import (
    AccountSummary,
    DocumentError,
    DocumentLanguage,
    LetterContent,
    LetterKind,
    PaidInFullDetails,
    ReminderDetails,
    SettlementOfferDetails,
    render_letter,
)
from workstation.documents.cli_hook import add_pdf_arguments, handle_pdf_option
from workstation.domain.money import Money
from workstation.plans.compare import compare_options

ACCOUNT = AccountSummary(
    number="ACC-2024-000123",
    product="Personal loan",
    balance=Money.of("10000.00", "CNY"),
    past_due=Money.of("1200.00", "CNY"),
    days_past_due=45,
)


def letter(
    details: ReminderDetails | SettlementOfferDetails | PaidInFullDetails,
    language: DocumentLanguage = DocumentLanguage.BOTH,
) -> LetterContent:
    return LetterContent(
        reference="LTR-2025-0001",
        issued_on=date(2025, 1, 10),
        language=language,
        jurisdiction="CN",
        creditor=CREDITOR,
        customer=CUSTOMER,
        account=ACCOUNT,
        details=details,
    )


REMINDER = ReminderDetails(Money.of("1200.00", "CNY"), date(2025, 1, 20))
OFFER = SettlementOfferDetails(make_settlement(), valid_until=date(2025, 1, 31))
PAID = PaidInFullDetails(Money.of("10000.00", "CNY"), date(2025, 3, 1))


LETTER_CASES = [
    (
        LetterKind.PAYMENT_REMINDER,
        REMINDER,
        ("Payment reminder", "还款提醒"),
        ["¥1,200.00", "2025-01-20"],
    ),
    (
        LetterKind.SETTLEMENT_OFFER,
        OFFER,
        ("Settlement offer", "协商结清方案"),
        ["¥6,000.00", "¥4,000.00", "¥2,000.00", "2025-04-01", "2025-01-31"],
    ),
    (
        LetterKind.PAID_IN_FULL,
        PAID,
        ("Confirmation: paid in full", "结清证明"),
        ["¥10,000.00", "2025-03-01", "¥0.00"],
    ),
]


@pytest.mark.parametrize("language", list(DocumentLanguage))
@pytest.mark.parametrize(("kind", "details", "titles", "figures"), LETTER_CASES)
def test_each_letter_renders_in_each_language(
    kind: LetterKind,
    details: ReminderDetails | SettlementOfferDetails | PaidInFullDetails,
    titles: tuple[str, str],
    figures: list[str],
    language: DocumentLanguage,
) -> None:
    en_title, zh_title = titles
    document = render_letter(kind, letter(details, language))
    text = pdf_text(document.pdf)
    assert (en_title in text) == ("en" in language.codes)
    assert (zh_title in text) == ("zh" in language.codes)
    for figure in figures:
        assert figure in text
    pages = pdf_pages_text(document.pdf)
    assert len(pages) == document.pages
    for page in pages:
        assert document.content_sha256 in page
        assert "LTR-2025-0001" in page
    assert document.sha256 == hashlib.sha256(document.pdf).hexdigest()
    assert document.pdf == render_letter(kind, letter(details, language)).pdf


def test_reminder_and_offer_carry_the_jurisdictions_statements_paid_in_full_does_not() -> None:
    reminder = pdf_text(render_letter(LetterKind.PAYMENT_REMINDER, letter(REMINDER)).pdf)
    assert "12378" in reminder  # the CN pack's complaint hotline
    assert "Your right to dispute" in reminder
    assert "异议权利" in reminder
    paid = pdf_text(render_letter("paid_in_full", letter(PAID)).pdf)
    assert "12378" not in paid


def test_chinese_letter_greets_the_customer_by_the_chinese_name() -> None:
    text = pdf_text(
        render_letter(LetterKind.PAYMENT_REMINDER, letter(REMINDER, DocumentLanguage.ZH)).pdf
    )
    assert "尊敬的李娜" in text
    assert "2025年1月20日" in text  # prose dates read naturally in Chinese


def test_letter_with_the_wrong_details_is_refused() -> None:
    with pytest.raises(DocumentError, match="needs ReminderDetails"):
        render_letter(LetterKind.PAYMENT_REMINDER, letter(PAID))
    with pytest.raises(DocumentError, match="Unknown letter"):
        render_letter("final_demand", letter(REMINDER))


def test_letter_in_another_currency_is_refused() -> None:
    dollars = ReminderDetails(Money.of("50.00", "USD"), date(2025, 1, 20))
    with pytest.raises(DocumentError, match="USD but the account is in CNY"):
        render_letter(LetterKind.PAYMENT_REMINDER, letter(dollars))
    nothing = ReminderDetails(Money.of("0", "CNY"), date(2025, 1, 20))
    with pytest.raises(DocumentError, match="above zero"):
        render_letter(LetterKind.PAYMENT_REMINDER, letter(nothing))
    empty_offer = SettlementOfferDetails(replace(make_settlement(), parts=()), date(2025, 1, 31))
    with pytest.raises(DocumentError, match="no payments"):
        render_letter(LetterKind.SETTLEMENT_OFFER, letter(empty_offer))


# --- the plan CLI's --pdf ------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workstation plan instalments")
    add_pdf_arguments(parser)
    return parser


def test_cli_hook_renders_a_specimen(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "specimen.pdf"
    args = _parser().parse_args(["--pdf", str(out), "--language", "zh"])
    plan = make_schedule(12)
    handle_pdf_option(args, plan)
    text = pdf_text(out.read_bytes())
    assert "还款协议" in text
    assert "Repayment Agreement" not in text
    assert plan.instalments[-1].payment.format() in text
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "wrote specimen agreement" in captured.err


def test_cli_hook_accepts_a_comparison_and_does_nothing_without_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.iterdir())
    handle_pdf_option(_parser().parse_args([]), make_schedule(12))  # no --pdf: no output
    assert sorted(tmp_path.iterdir()) == before
    comparison = compare_options(
        [make_schedule(12), make_settlement()], valuation_date=date(2025, 1, 10)
    )
    out = tmp_path / "compare.pdf"
    handle_pdf_option(_parser().parse_args(["--pdf", str(out)]), comparison)
    assert "Repayment Agreement" in pdf_text(out.read_bytes())


def test_cli_hook_refuses_what_it_cannot_print(tmp_path: Path) -> None:
    args = _parser().parse_args(["--pdf", str(tmp_path / "x.pdf")])
    with pytest.raises(DocumentError, match="Cannot print an agreement for a dict"):
        handle_pdf_option(args, {"schedule": []})
    missing = _parser().parse_args(["--pdf", str(tmp_path / "nope" / "x.pdf")])
    with pytest.raises(DocumentError, match="does not exist"):
        handle_pdf_option(missing, make_schedule(12))


def test_plan_cli_output_option_writer(tmp_path: Path) -> None:
    from workstation.documents.cli_hook import write_specimen_for_plan_cli

    out = tmp_path / "deferral.pdf"
    write_specimen_for_plan_cli("deferral", make_schedule(6), out)
    text = pdf_text(out.read_bytes())
    assert "Repayment Agreement" in text
    assert "还款协议" in text
