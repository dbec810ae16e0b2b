"""Guard against a refcount defect of some PySide6 builds on Python 3.11.

PySide6-Essentials 6.12.0 as installed here returns ``None``/``True``/``False`` from bound
methods (every void method, every ``signal.emit()``) without taking a reference — correct
on Python ≥ 3.12, where those objects are immortal, wrong on 3.11: each call drops their
refcount by one until the interpreter aborts ("deallocating None"). ``ensure()`` detects the
defect with a few harmless calls and, only then, gives the three singletons a reference
count so large that no session can exhaust it (what 3.12 does by design). Remove this once
the project runs on Python ≥ 3.12 or a PySide6 build without the defect.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)
_HEADROOM = 1 << 40
_done = {"checked": False, "applied": False}


def _leaks() -> bool:
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(16):
        probe.setObjectName("probe")  # a void method: returns None
    return sys.getrefcount(None) < before - 8


def ensure() -> bool:
    """Apply the guard if this PySide6 build needs it; return whether it was applied."""
    if _done["checked"]:
        return _done["applied"]
    _done["checked"] = True
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if not _leaks():
        return False
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _HEADROOM
    _done["applied"] = True
    log.warning("PySide6 refcount defect detected on Python 3.11; singletons pinned")
    return True
