"""Words for the codes the core stores (account status, bucket, product), in the UI language.

One place for every screen (desk, field, lead), translated through the desk's catalogue, so a
table never shows a raw code such as ``open`` or ``current`` and the same code reads the same
everywhere.
"""

from __future__ import annotations

from ui.i18n import is_zh, tr


def status_text(status: str) -> str:
    labels = {
        "open": tr("Open"),
        "promise": tr("Promise"),
        "plan": tr("On a plan"),
        "dispute": tr("Dispute"),
        "hold": tr("On hold"),
        "paid": tr("Paid"),
        "settled": tr("Settled"),
        "closed": tr("Closed"),
    }
    return labels.get(str(status), str(status))


def bucket_text(bucket: str) -> str:
    """ "current" in words; the day ranges as they are (English) or M1…M6+ (Chinese)."""
    value = str(bucket)
    if value == "current":
        return tr("Current (not overdue)") if not is_zh() else "正常"
    if not is_zh():
        return value + " " + tr("days")
    from workstation.domain import Bucket

    try:
        return Bucket(value).label_zh
    except ValueError:
        return value


def product_text(product: str) -> str:
    labels = {
        "credit_card": tr("Credit card"),
        "personal_loan": tr("Personal loan"),
        "bnpl": tr("Buy now, pay later"),
        "auto_loan": tr("Car loan"),
        "overdraft": tr("Overdraft"),
    }
    return labels.get(str(product), str(product).replace("_", " "))


def promise_status_text(status: str) -> str:
    labels = {
        "open": tr("open promise"),
        "kept": tr("kept"),
        "broken": tr("broken"),
        "cancelled": tr("cancelled"),
    }
    return labels.get(str(status), str(status))
