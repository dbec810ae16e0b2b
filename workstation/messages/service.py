"""What the desk's "Send reminder" dialog asks of the core: preview and send, no Qt.

Both read the account through the desk service (the local store), so they work offline;
``send`` composes again from what is on file now (never trusting a stale preview) and
records the ``message`` event with its outbox row. Run them on the UI's db worker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workstation.desk.types import Changes, DeskError
from workstation.domain.enums import Channel, Language
from workstation.messages.compose import Preview, compose, message_event
from workstation.messages.templates import TemplateSet, default_templates
from workstation.text import Text


@dataclass(frozen=True, slots=True)
class MessageRequest:
    """What the agent picked in the dialog (plain values read on the GUI thread)."""

    account_id: str
    template_id: str
    channel: Channel
    language: Language
    address: str | None = None
    inputs: Mapping[str, str] | None = None


def preview(
    desk: Any,
    request: MessageRequest,
    now: datetime | None = None,
    *,
    templates: TemplateSet | None = None,
) -> Preview:
    """Compose ``request`` against the account as the local store has it now."""
    now = now or desk.clock()
    view = desk.account(request.account_id, now)
    return compose(
        request.template_id,
        view.customer,
        view.account,
        request.channel,
        request.language,
        now,
        history=view.events,
        address=request.address,
        inputs=request.inputs,
        templates=(templates or default_templates()).for_creditor(desk.creditor),
    )


def send(
    desk: Any,
    request: MessageRequest,
    now: datetime | None = None,
    *,
    templates: TemplateSet | None = None,
) -> Changes:
    """Record the message (queued) for the backend to deliver; refuse what may not be sent."""
    now = now or desk.clock()
    composed = preview(desk, request, now, templates=templates)
    if not composed.sendable:
        raise DeskError(
            Text(
                "Cannot send: " + "; ".join(composed.why_not("en")),
                "无法发送：" + "；".join(composed.why_not("zh")),
            )
        )
    view = desk.account(request.account_id, now)
    event = message_event(
        composed, view.account, recorded_by=desk.user, now=now, device_id=desk.device_id
    )
    desk.store.record_event(event, device_id=desk.device_id)
    return Changes(
        accounts=frozenset({event.account_id}), queue=True, outbox=True, event_ids=(event.id,)
    )
