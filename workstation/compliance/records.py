"""A phone, e-mail or postal address a contact would use (``Target``), as the rule checks
see it: the keys a complaint or a count may name it by, its opt-out, consent and validity,
and its masked label (built only when a reason shows it)."""

from __future__ import annotations

from workstation.compliance import texts
from workstation.domain.model import Address, Email, Phone


class Target:
    """A phone, e-mail or postal address the contact would use; labels built only if shown."""

    __slots__ = ("record",)

    def __init__(self, record: Phone | Email | Address) -> None:
        self.record = record

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def keys(self) -> frozenset[str]:
        record = self.record
        if isinstance(record, Phone):
            return frozenset((record.id, record.number))
        if isinstance(record, Email):
            return frozenset((record.id, record.address))
        return frozenset((record.id,))

    @property
    def opted_out(self) -> bool:
        return not isinstance(self.record, Address) and self.record.opted_out

    @property
    def invalid(self) -> bool:
        return isinstance(self.record, Phone) and self.record.invalid

    @property
    def consent(self) -> bool:
        return isinstance(self.record, Address) or self.record.consent

    def labels(self) -> tuple[str, str]:
        record = self.record
        if isinstance(record, Phone):
            masked = texts.mask_number(record.number)
            return (
                f"{texts.PHONE_TYPE_EN[record.type]} {masked}",
                f"{texts.PHONE_TYPE_ZH[record.type]}{masked}",
            )
        if isinstance(record, Email):
            masked = texts.mask_email(record.address)
            return f"e-mail {masked}", f"邮箱{masked}"
        line = f"{record.line1}, {record.city}"
        return line, line
