"""Content-addressed blob storage for rendered documents, until the store offers its own.

A blob is stored under ``paths.blob_dir()`` as a file named by the lowercase SHA-256 hex of
its bytes. Writes are atomic (a temporary file in the same folder, flushed and fsynced, then
``os.replace``), so a crash never leaves a half-written blob under a real name; writing the
same bytes twice is a no-op. Reads verify the hash, so a damaged file is reported, not used.
The local store can adopt these functions (or this layout) as they are.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from workstation import paths

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class BlobError(OSError):
    """A blob that is missing, damaged or asked for by a malformed id."""


def _check_id(sha256: str) -> str:
    if not _SHA256_HEX.fullmatch(sha256):
        raise BlobError(f"{sha256!r} is not a SHA-256 blob id (64 lowercase hex digits)")
    return sha256


def blob_path(sha256: str, *, root: Path | None = None) -> Path:
    return (root or paths.blob_dir()) / _check_id(sha256)


def put_blob(data: bytes, *, root: Path | None = None) -> str:
    """Store ``data``; returns its SHA-256 hex (the blob id)."""
    digest = hashlib.sha256(data).hexdigest()
    target = blob_path(digest, root=root)
    if target.is_file() and target.stat().st_size == len(data):
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".incoming-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest


def has_blob(sha256: str, *, root: Path | None = None) -> bool:
    return blob_path(sha256, root=root).is_file()


def get_blob(sha256: str, *, root: Path | None = None) -> bytes:
    """The blob's bytes, verified against its id."""
    path = blob_path(sha256, root=root)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BlobError(f"blob {sha256} is not stored here") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise BlobError(f"blob {sha256} is damaged (its bytes no longer match its id)")
    return data
