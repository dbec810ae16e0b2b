"""The training files' one error (its own module: ``data`` reads the files and ``citations``
words the rules they cite, and both raise it without importing each other)."""

from __future__ import annotations

from workstation.errors import WorkstationError
from workstation.text import Text


class TrainingDataError(WorkstationError, ValueError):
    """A training file is not valid; the message names the file and the place."""

    summary = Text("A training file is not valid", "培训文件无效")
