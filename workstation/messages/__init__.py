"""SMS and e-mail reminders: templates as data, filling, opt-out wording, SMS segments and
the compliance verdict (``compose``); the desk's preview/send (``service``); reply keywords
(``replies``) and status wording (``status``). Qt-free; the backend delivers
(``workstation.server.messaging``)."""

from workstation.domain.enums import MessageStatus
from workstation.messages.compose import (
    MESSAGE_CHANNELS,
    UNSUBSCRIBE_MARKER,
    ComposeError,
    Preview,
    compose,
    message_event,
    message_payload,
    opt_out_wording,
)
from workstation.messages.fill import Missing, date_text, fill_values, money_text
from workstation.messages.replies import is_opt_out
from workstation.messages.segments import Encoding, SmsLength, sms_length
from workstation.messages.status import latest_statuses, message_summary
from workstation.messages.templates import (
    TEMPLATE_IDS,
    Template,
    TemplateError,
    TemplateSet,
    default_templates,
    load_templates,
)

__all__ = [
    "MESSAGE_CHANNELS",
    "TEMPLATE_IDS",
    "UNSUBSCRIBE_MARKER",
    "ComposeError",
    "Encoding",
    "MessageStatus",
    "Missing",
    "Preview",
    "SmsLength",
    "Template",
    "TemplateError",
    "TemplateSet",
    "compose",
    "date_text",
    "default_templates",
    "fill_values",
    "is_opt_out",
    "latest_statuses",
    "load_templates",
    "message_event",
    "message_payload",
    "message_summary",
    "money_text",
    "opt_out_wording",
    "sms_length",
]
