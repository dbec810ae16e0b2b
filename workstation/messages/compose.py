"""Compose a reminder: fill a template, append the opt-out wording, count SMS segments and
ask the compliance engine whether this customer may get it on this channel now.

``compose`` is pure (no store, no clock): the desk calls it to preview, and
``message_event`` turns a sendable preview into the ``message`` event the store records
with its outbox row, so a message written offline waits in the outbox like any other fact.
The backend delivers it (``workstation.server.messaging``) and appends the status events
``sent`` → ``delivered`` / ``failed`` that the client pulls.

Message event payload (the generator's convention, extended): ``channel``, ``direction``
(outbound), ``address_used`` (the Phone / Email record id), ``to`` (the number or e-mail
address when composed), ``template``, ``language``, ``status`` (``queued`` from the
desk), ``text``, ``subject`` (e-mail), ``segments`` and ``encoding`` (SMS),
``opt_out_required``. The message id is the event id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workstation.compliance import (
    ContactPolicy,
    Decision,
    RulePack,
    RulePackError,
    default_policy,
)
from workstation.domain.enums import Channel, Direction, EventType, Language, PhoneType
from workstation.domain.model import Account, Customer, Event, new_id
from workstation.errors import WorkstationError
from workstation.messages.fill import Missing, fill_values, missing
from workstation.messages.segments import Encoding, sms_length
from workstation.messages.templates import TemplateSet, default_templates
from workstation.text import Text

MESSAGE_CHANNELS = (Channel.SMS, Channel.EMAIL)
# the backend replaces this with the signed unsubscribe link when it sends the e-mail
UNSUBSCRIBE_MARKER = "{unsubscribe_url}"
EMAIL_OPT_OUT = {
    Language.EN: "To stop receiving these e-mails, unsubscribe here: " + UNSUBSCRIBE_MARKER,
    Language.ZH: "如不希望再收到此类邮件，请点击此链接退订：" + UNSUBSCRIBE_MARKER,
}
UNSUBSCRIBE_SHOWN = {Language.EN: "[unsubscribe link]", Language.ZH: "[退订链接]"}


class ComposeError(WorkstationError, ValueError):
    """A template id, channel or language the composer cannot use."""

    summary = Text("The message could not be composed", "无法生成该消息")


@dataclass(frozen=True, slots=True)
class Preview:
    """A filled message and everything the agent must see before sending it.

    ``text`` is what is sent: the SMS, or the e-mail body (with ``UNSUBSCRIBE_MARKER`` where
    the backend puts the signed link; ``shown_text`` has a readable stand-in). ``segments``
    and ``encoding`` describe the SMS (0 and "" for e-mail). ``verdict`` is the compliance
    engine's decision for this channel and address now. ``missing`` lists placeholders no
    record can fill (then ``text`` shows them as ``{name}``).
    """

    template_id: str
    channel: Channel
    language: Language
    text: str
    subject: str
    segments: int
    encoding: str
    verdict: Decision
    units: int = 0
    address: str | None = None
    to: str = ""
    opt_out_text: str = ""
    opt_out_required: bool = False
    missing: tuple[Missing, ...] = ()

    @property
    def sendable(self) -> bool:
        return self.verdict.allowed and not self.missing and bool(self.address)

    @property
    def shown_text(self) -> str:
        return self.text.replace(UNSUBSCRIBE_MARKER, UNSUBSCRIBE_SHOWN[self.language])

    def why_not(self, language: str = "en") -> tuple[str, ...]:
        """Every reason the message cannot be sent now, in ``language``."""
        reasons = [r.text(language) for r in self.verdict.blocking]
        seen: set[str] = set()
        for item in self.missing:
            text = item.text(language)
            if text not in seen:
                seen.add(text)
                reasons.append(text)
        if not self.address and not reasons:
            reasons.append(Text("No usable address on file", "没有可用的联系方式").get(language))
        return tuple(reasons)


class _Keep(dict[str, str]):
    """``format_map`` mapping that leaves unknown placeholders visible as ``{name}``."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def opt_out_wording(pack: RulePack | None, channel: Channel, language: Language) -> str:
    """What the message must end with so the customer can opt out ("" when the pack has none).

    SMS carries the pack's reply wording ("Reply STOP…", "回复TD退订"); an e-mail carries an
    unsubscribe link. Packs that list the channel for opt-outs get it even where the law
    does not demand it: a way out upsets fewer customers than a message without one.
    """
    if pack is None or channel not in pack.opt_out_channels:
        return ""
    if channel is Channel.EMAIL:
        return EMAIL_OPT_OUT[language]
    return pack.opt_out_text(language.value).strip()


def append_wording(text: str, wording: str, channel: Channel, language: Language) -> str:
    if not wording:
        return text
    if channel is Channel.EMAIL:
        return f"{text}\n\n{wording}"
    joiner = "" if language is Language.ZH and not text.endswith((".", "!", "?")) else " "
    return f"{text}{joiner}{wording}"


def _default_address(customer: Customer, channel: Channel) -> str | None:
    if channel is Channel.SMS:
        usable = [p for p in customer.phones if not p.opted_out and p.consent]
        mobiles = [p for p in usable if p.type is PhoneType.MOBILE]
        chosen = mobiles or usable
        return chosen[0].id if chosen else None
    usable_emails = [e for e in customer.emails if not e.opted_out and e.consent]
    return usable_emails[0].id if usable_emails else None


def address_value(customer: Customer, address_id: str | None) -> str:
    """The number or e-mail address of a Phone / Email record id ("" when unknown)."""
    for phone in customer.phones:
        if phone.id == address_id:
            return phone.number
    for email in customer.emails:
        if email.id == address_id:
            return email.address
    return ""


def compose(  # noqa: PLR0917 - the desk's documented call shape
    template_id: str,
    customer: Customer,
    account: Account,
    channel: Channel,
    language: Language | str,
    now: datetime,
    *,
    history: Sequence[Event] = (),
    address: str | None = None,
    inputs: Mapping[str, str] | None = None,
    templates: TemplateSet | None = None,
    policy: ContactPolicy | None = None,
) -> Preview:
    """Fill ``template_id`` for this customer and account and judge it for ``channel`` now.

    ``history`` is the customer's events (promise, plan, payments; holds and complaints for
    the verdict). ``address`` is a Phone / Email id; None picks the first usable one (a
    mobile for SMS). ``inputs`` are what the agent typed (settlement amount, valid until).
    """
    channel = Channel(channel)
    if channel not in MESSAGE_CHANNELS:
        raise ComposeError(f"messages go by SMS or e-mail, not {channel.value}")
    lang = Language(language)
    templates = templates or default_templates()
    template = templates.get(template_id, lang)
    policy = policy or default_policy()
    chosen = address or _default_address(customer, channel)
    verdict = policy.decide(customer, account, channel, now, history, address=chosen)
    chosen = chosen or verdict.address
    try:
        pack: RulePack | None = policy.pack_for(customer)
    except RulePackError:
        pack = None  # the verdict already says the jurisdiction is unknown
    values = fill_values(
        customer,
        account,
        lang,
        now,
        history,
        sender=templates.sender(lang, pack.id if pack is not None else customer.jurisdiction),
        inputs=inputs,
    )
    needs = template.needs(channel.value)
    wording = opt_out_wording(pack, channel, lang)
    if channel is Channel.SMS:
        text = append_wording(template.sms.format_map(_Keep(values)), wording, channel, lang)
        length = sms_length(text)
        subject, segments, encoding, units = (
            "",
            length.segments,
            length.encoding.value,
            length.units,
        )
    else:
        text = append_wording(template.body.format_map(_Keep(values)), wording, channel, lang)
        subject = template.subject.format_map(_Keep(values))
        segments, encoding, units = 0, "", len(text)
    return Preview(
        template_id=template_id,
        channel=channel,
        language=lang,
        text=text,
        subject=subject,
        segments=segments,
        encoding=encoding,
        verdict=verdict,
        units=units,
        address=chosen,
        to=address_value(customer, chosen),
        opt_out_text=wording,
        opt_out_required=pack is not None and pack.requires_opt_out(channel),
        missing=missing(needs, values),
    )


def message_payload(preview: Preview) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "channel": preview.channel.value,
        "direction": Direction.OUTBOUND.value,
        "address_used": preview.address,
        "to": preview.to,
        "template": preview.template_id,
        "language": preview.language.value,
        "status": "queued",
        "text": preview.text,
        "opt_out_required": preview.opt_out_required,
    }
    if preview.channel is Channel.EMAIL:
        payload["subject"] = preview.subject
    else:
        payload["segments"] = preview.segments
        payload["encoding"] = preview.encoding
    return payload


def message_event(
    preview: Preview,
    account: Account,
    *,
    recorded_by: str,
    now: datetime,
    device_id: str | None = None,
) -> Event:
    """The ``message`` event for a sendable preview (its id is the message id)."""
    if not preview.sendable:
        raise ComposeError("; ".join(preview.why_not("en")) or "the message cannot be sent")
    return Event(
        id=new_id(),
        type=EventType.MESSAGE,
        account_id=account.id,
        customer_id=account.customer_id,
        occurred_at=now,
        recorded_by=recorded_by,
        payload=message_payload(preview),
        device_id=device_id,
    )


__all__ = [
    "EMAIL_OPT_OUT",
    "MESSAGE_CHANNELS",
    "UNSUBSCRIBE_MARKER",
    "ComposeError",
    "Encoding",
    "Preview",
    "address_value",
    "append_wording",
    "compose",
    "message_event",
    "message_payload",
    "opt_out_wording",
]
