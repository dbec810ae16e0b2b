"""The one base class of the core's errors: a refusal or failure that explains itself to a
person in English and Simplified Chinese.

Every exception the core raises on purpose derives from ``WorkstationError`` (beside the
built-in it always was — ``ValueError``, ``RuntimeError``, ``OSError``… — so callers that
catch those still do). Its ``text`` is a ``workstation.text.Text``: the UI shows
``text.get(language)`` in the agent's language, a CLI or log prints ``str(error)``, which is
always the English.

An error written only in English (an operator's configuration file, a server detail) still
reads in Chinese: the class's ``summary`` says what kind of failure it is, in both languages,
and the English detail follows it, so a Chinese reader is never left with English alone. A
class whose English-only messages are for operators (the plan CLI's flags, say) leaves its
summary's Chinese empty, and they read in English everywhere.
"""

from __future__ import annotations

from typing import ClassVar

from workstation.text import Text


class WorkstationError(Exception):
    """Base of every error the core raises on purpose, carrying its bilingual message.

    ``WorkstationError("English", zh="中文")`` or ``WorkstationError(Text(en, zh))``;
    ``text`` is the message, ``message_en`` / ``message_zh`` its two halves (``message_zh``
    is ``None`` where only English was written).
    """

    summary: ClassVar[Text] = Text("The workstation could not do this", "工作站无法完成此操作")

    def __init__(self, message: str | Text = "", *, zh: str | None = None) -> None:
        if isinstance(message, Text):
            written = message
        else:
            written = Text(message or self.summary.en, zh or "")
        super().__init__(written.en)
        self._written = written

    @property
    def text(self) -> Text:
        """The message in both languages; the class's summary stands in for missing Chinese."""
        written = self._written
        summary = type(self).summary
        if written.zh or not summary.zh:
            return written
        if written.en == summary.en:
            return summary
        return Text(written.en, f"{summary.zh}：{written.en}")

    @property
    def message_en(self) -> str:
        return self._written.en

    @property
    def message_zh(self) -> str | None:
        """The Chinese as written for this error, ``None`` where it was written in English only."""
        return self._written.zh or None
