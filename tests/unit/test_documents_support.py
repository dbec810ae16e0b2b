"""Shared helpers for the document tests (no tests here): plans from the real calculators,
parties, and text extraction from PDFs (pdftotext from poppler-utils, else pypdf)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from workstation.documents import AccountSummary, AgreementContent, DocumentLanguage, Party
from workstation.documents.agreement import PlanChoice
from workstation.domain.enums import Bucket
from workstation.domain.money import Money
from workstation.plans.dates import Frequency
from workstation.plans.deferral import Deferral, DeferralMode, build_deferral
from workstation.plans.schedule import InstalmentTerms, Method, Schedule, build_schedule
from workstation.plans.settlement import Settlement, build_settlement

TODAY = date(2025, 1, 10)

CREDITOR = Party(
    name="Harbour Consumer Finance Ltd.",
    name_alt="海港消费金融有限公司",
    address="88 Century Avenue, Shanghai",
    phone="400-820-0000",
)
CUSTOMER = Party(
    name="Li Na",
    name_alt="李娜",
    national_id_masked="**************123X",
    address="上海市浦东新区世纪大道 100 号",
    phone="138****5678",
)


def terms(
    count: int,
    *,
    currency: str = "CNY",
    principal: str = "24000.00",
    rate: str = "12",
    method: Method = Method.ANNUITY,
    down_payment: str | None = None,
) -> InstalmentTerms:
    return InstalmentTerms(
        principal=Money.of(principal, currency),
        annual_rate=Decimal(rate),
        count=count,
        frequency=Frequency.MONTHLY,
        first_due=date(2025, 2, 15),
        method=method,
        down_payment=Money.of(down_payment, currency) if down_payment else None,
    )


def schedule(count: int = 24, **kwargs: object) -> Schedule:
    return build_schedule(terms(count, **kwargs), today=TODAY)  # type: ignore[arg-type]


def deferral() -> Deferral:
    return build_deferral(terms(24), 3, DeferralMode.FROZEN, today=TODAY)


def settlement(currency: str = "CNY") -> Settlement:
    return build_settlement(
        Money.of("10000.00", currency),
        [date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1)],
        bucket=Bucket.DPD_90_179,
        discount_percent=Decimal(40),
        today=TODAY,
    )


def agreement(
    plan: PlanChoice | None = None,
    language: DocumentLanguage = DocumentLanguage.BOTH,
    *,
    jurisdiction: str = "cn-nifa",
    reference: str = "AGR-TEST-0001",
    customer: Party = CUSTOMER,
) -> AgreementContent:
    chosen = plan if plan is not None else schedule()
    currency = chosen.currency
    return AgreementContent(
        reference=reference,
        issued_on=date(2025, 1, 10),
        language=language,
        jurisdiction=jurisdiction,
        creditor=CREDITOR,
        customer=customer,
        account=AccountSummary(
            number="ACC-2024-000123",
            product="Personal loan",
            balance=Money.of("24000.00", currency),
            past_due=Money.of("1200.00", currency),
            days_past_due=45,
        ),
        plan=chosen,
    )


def pdf_pages_text(pdf: bytes) -> list[str]:
    """The text of each page, table rows kept on one line where the extractor can."""
    if shutil.which("pdftotext"):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "doc.pdf"
            path.write_bytes(pdf)
            whole = subprocess.run(
                ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                check=True,
                capture_output=True,
            ).stdout.decode("utf-8")
        pages = whole.split("\f")
        return pages[:-1] if pages and not pages[-1].strip() else pages
    pypdf = pytest.importorskip("pypdf", reason="needs pdftotext (poppler-utils) or pypdf")
    import io

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [page.extract_text(extraction_mode="layout") for page in reader.pages]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(pdf_pages_text(pdf))
