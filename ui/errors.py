"""How an error reads to the agent — the one place the UI turns an exception into words.

A refusal from the core is a ``workstation.errors.WorkstationError`` and says itself in the
agent's language (``pick(exc.text)``); a form's ``ValidationError`` lists every field's
message. Anything else is not a refusal but a bug or a broken environment: the agent reads
"Something went wrong" with the raw detail, and the full traceback goes to the log.
"""

from __future__ import annotations

import logging

from ui.i18n import pick, tr
from workstation.desk import ValidationError
from workstation.errors import WorkstationError

log = logging.getLogger(__name__)


def is_refusal(exc: BaseException) -> bool:
    """True when the core refused on purpose (its message is written for the agent)."""
    return isinstance(exc, WorkstationError)


def reason(exc: BaseException) -> str:
    """The error's own words in the UI language, for a sentence that already says what
    failed ("Printing failed: %1"). Unexpected errors are logged with their traceback."""
    if isinstance(exc, ValidationError):
        return "\n".join(pick(text) for text in exc.errors.values())
    if isinstance(exc, WorkstationError):
        return pick(exc.text)
    log.error("unexpected error shown to the agent", exc_info=exc)
    return str(exc) or type(exc).__name__


def describe(exc: BaseException) -> str:
    """A whole message: the refusal in the UI language, or "Something went wrong: …"."""
    if is_refusal(exc):
        return reason(exc)
    return tr("Something went wrong: %1").replace("%1", reason(exc))
