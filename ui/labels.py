"""Words for the codes the core stores (account status, bucket, product, channel, flag,
complaint category, dispute reason, rule pack, strategy task), in the UI language.

One place for every screen (desk, field, lead), translated through the desk's catalogue, so a
table never shows a raw code such as ``open`` or ``current`` and the same code reads the same
everywhere.
"""

from __future__ import annotations

from ui.i18n import is_zh, pick, tr


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
        # the Chinese column is narrow: 正常 rather than the full 正常（未逾期）
        return tr("Current (not overdue)", "bucket")
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
        "partly_kept": tr("partly kept"),
        "broken": tr("broken"),
        "cancelled": tr("cancelled"),
    }
    return labels.get(str(status), str(status))


def channel_text(channel: str) -> str:
    labels = {
        "phone": tr("Phone"),
        "sms": tr("SMS"),
        "email": tr("E-mail"),
        "visit": tr("Visit"),
        "letter": tr("Letter"),
        "console": tr("Lead's console"),
        "portal": tr("Customer portal"),
    }
    return labels.get(str(channel), str(channel))


def task_text(task: str) -> str:
    """A strategy's agent task (``strategy.model.Task``): what the owner is asked to do."""
    labels = {
        "call": tr("Call"),
        "visit": tr("Visit"),
        "hardship_review": tr("Hardship review"),
    }
    return labels.get(str(task), str(task).replace("_", " "))


def flag_text(flag: str) -> str:
    labels = {
        "hardship": tr("Hardship"),
        "vulnerable": tr("Vulnerable"),
        "breathing_space": tr("Breathing space"),
        "deceased": tr("Deceased"),
        "bankrupt": tr("Bankrupt"),
        "cease_communication": tr("Cease communication"),
        "fraud_review": tr("Fraud review"),
        "dispute": tr("Dispute"),
    }
    return labels.get(str(flag), str(flag))


def complaint_text(category: str) -> str:
    labels = {
        "contact_frequency": tr("Too many contacts"),
        "contact_place": tr("Contacted at work / wrong place"),
        "staff_conduct": tr("Staff conduct"),
        "amount": tr("Amount or charges"),
        "other": tr("Other"),
        # the words older records (and the demo's history) use
        "workplace_contact": tr("Contacted at work / wrong place"),
        "incorrect_balance": tr("Amount or charges"),
        "third_party_disclosure": tr("Debt disclosed to someone else"),
    }
    return labels.get(str(category), str(category))


def payment_method_text(method: str) -> str:
    """How the customer says they paid (``workstation.desk.PAYMENT_METHODS``)."""
    labels = {
        "bank_transfer": tr("Bank transfer"),
        "card": tr("Card"),
        "wallet": tr("Mobile wallet (Alipay, WeChat Pay…)"),
        "cash": tr("Cash at a branch"),
        "other": tr("Other"),
    }
    return labels.get(str(method), str(method))


def phone_type_text(kind: str) -> str:
    """A phone number's kind, as it follows the number in a list (``mobile``, ``home``...)."""
    labels = {"mobile": tr("mobile"), "home": tr("home"), "work": tr("work")}
    return labels.get(str(kind), str(kind))


def payment_source_text(source: str) -> str:
    """Who says a payment came: the customer (reported, not yet seen) or the bank."""
    labels = {"reported": tr("reported by the customer"), "confirmed": tr("confirmed")}
    return labels.get(str(source), str(source))


def visit_outcome_text(outcome: str) -> str:
    """What a field visit found (``workstation.field.OUTCOME_LABELS``)."""
    from workstation.domain.enums import VisitOutcome
    from workstation.field import OUTCOME_LABELS

    try:
        label = OUTCOME_LABELS[VisitOutcome(outcome)]
    except ValueError:
        return outcome
    return pick(label)


def dispute_text(reason: str) -> str:
    labels = {
        "not_mine": tr("Not my debt"),
        "amount_wrong": tr("Amount is wrong"),
        "already_paid": tr("Already paid"),
        "identity_theft": tr("Identity theft"),
        "other": tr("Other"),
    }
    return labels.get(str(reason), str(reason))


def pack_name(pack_id: str) -> str:
    """A rule pack (training mode's packs) by its jurisdiction's name."""
    return {
        "cn-nifa": tr("China (NIFA)"),
        "uk-conc": tr("United Kingdom (FCA CONC)"),
        "us-regf": tr("United States (Regulation F)"),
    }.get(pack_id, pack_id)
