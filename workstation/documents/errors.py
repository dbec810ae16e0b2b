"""The one error type document rendering raises.

A ``DocumentError`` says, in words a collector can act on, why a document cannot be produced
(an empty schedule, amounts in two currencies, a jurisdiction without statements …). Nothing
half-rendered is ever returned.
"""

from __future__ import annotations

from workstation.errors import WorkstationError
from workstation.text import Text


class DocumentError(WorkstationError, ValueError):
    """Input an agreement or a letter cannot be rendered from."""

    summary = Text("The document could not be made", "无法生成该文件")
