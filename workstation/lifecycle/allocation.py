"""Where a confirmed payment goes, and whether it closes the account.

Owns the arithmetic of money in (DESIGN §10): a *confirmed* payment reduces the past-due
amount first, then the rest of the balance; whatever is left over is kept as a credit for
the customer and reported, never dropped. Then the closure rules: a balance of zero closes
the account as ``paid``; an active settlement whose agreed amount has been reached closes it
as ``settled`` and writes the remaining balance off (recorded, so nothing vanishes silently).

Everything is in integer minor units of the account's currency (the caller converts with
``Money.minor``): sums are exact and money is never created or lost —
``to_past_due + to_balance + credit == paid`` and
``balance_before == balance_after + to_past_due + to_balance`` hold for every allocation, and
``balance_after == written_off`` for every settlement closure (the Hypothesis tests check all
three). Reported payments (an agent heard of them) never come here: they move nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from workstation.domain.enums import AccountStatus
from workstation.errors import WorkstationError
from workstation.text import Text


class AllocationError(WorkstationError, ValueError):
    """Amounts that cannot describe an account or a payment (negative, past due > balance)."""

    summary = Text("These amounts cannot be allocated", "这些金额无法分配")


@dataclass(frozen=True, slots=True)
class AccountMoney:
    """An account's money position in minor units: what is owed, what of it is due now,
    and any credit held for the customer (from earlier overpayments)."""

    balance: int
    past_due: int
    credit: int = 0

    def __post_init__(self) -> None:
        if self.balance < 0 or self.past_due < 0 or self.credit < 0:
            raise AllocationError("balance, past due and credit cannot be negative")
        if self.past_due > self.balance:
            raise AllocationError(
                f"past due {self.past_due} is more than the balance {self.balance}"
            )

    @classmethod
    def of_row(cls, balance: int, past_due: int, credit: int = 0) -> AccountMoney:
        """From stored values that may disagree (an old import's past due above the balance):
        past due is clamped into ``[0, balance]`` — what is due can never exceed what is owed."""
        balance = max(0, balance)
        return cls(balance, min(max(0, past_due), balance), max(0, credit))


@dataclass(frozen=True, slots=True)
class Allocation:
    """One confirmed payment split over the account."""

    paid: int
    to_past_due: int
    to_balance: int  # the part of the balance not yet due
    credit: int  # overpayment kept for the customer
    before: AccountMoney
    after: AccountMoney

    @property
    def allocated(self) -> int:
        """What reduced the balance (past due included)."""
        return self.to_past_due + self.to_balance


def allocate(account: AccountMoney, amount: int) -> Allocation:
    """Split a confirmed payment of ``amount`` minor units: past due, then balance, then credit."""
    if amount <= 0:
        raise AllocationError(f"a payment must be positive, got {amount}")
    to_past_due = min(amount, account.past_due)
    to_balance = min(amount - to_past_due, account.balance - account.past_due)
    credit = amount - to_past_due - to_balance
    after = AccountMoney(
        balance=account.balance - to_past_due - to_balance,
        past_due=account.past_due - to_past_due,
        credit=account.credit + credit,
    )
    return Allocation(amount, to_past_due, to_balance, credit, account, after)


@dataclass(frozen=True, slots=True)
class Settlement:
    """An agreed settlement: the customer pays ``agreed`` and the rest is forgiven.

    ``paid_so_far`` is the confirmed money received toward it since it was agreed, the
    payment being decided included."""

    agreed: int
    paid_so_far: int

    def __post_init__(self) -> None:
        if self.agreed <= 0:
            raise AllocationError("a settlement's agreed amount must be positive")
        if self.paid_so_far < 0:
            raise AllocationError("money paid toward a settlement cannot be negative")

    @property
    def reached(self) -> bool:
        return self.paid_so_far >= self.agreed


@dataclass(frozen=True, slots=True)
class Closure:
    """What a payment did to the account's life: closed as paid / settled, or nothing.

    ``written_off`` is the balance forgiven by a settlement (0 otherwise); ``after`` is the
    position once the write-off is applied."""

    status: AccountStatus | None
    written_off: int
    after: AccountMoney
    reason: str

    @property
    def closes(self) -> bool:
        return self.status is not None


def closure(after: AccountMoney, settlement: Settlement | None = None) -> Closure:
    """Decide the closure once a payment is allocated (``after`` = ``Allocation.after``).

    Paid in full wins over a settlement: a balance of zero is ``paid`` with nothing written
    off, even when a settlement was also agreed. Otherwise a settlement reached is
    ``settled`` and the whole remaining balance is written off (the credit stays the
    customer's)."""
    if after.balance == 0:
        return Closure(AccountStatus.PAID, 0, after, "balance paid in full")
    if settlement is not None and settlement.reached:
        cleared = AccountMoney(balance=0, past_due=0, credit=after.credit)
        return Closure(
            AccountStatus.SETTLED,
            after.balance,
            cleared,
            "agreed settlement amount reached",
        )
    return Closure(None, 0, after, "balance outstanding")


def apply_payment(
    account: AccountMoney, amount: int, settlement: Settlement | None = None
) -> tuple[Allocation, Closure]:
    """``allocate`` then ``closure``: the whole effect of one confirmed payment."""
    allocation = allocate(account, amount)
    return allocation, closure(allocation.after, settlement)
