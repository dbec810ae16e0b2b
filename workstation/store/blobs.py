"""Blobs: content-addressed files (photos, signatures, documents) beside the store.

The one blob store of the desktop. A blob is known by the SHA-256 of its bytes (the id the
server and the events use); the ``blobs`` table remembers each one's file, size, media type
and whether the server has it yet.

On disk, under ``paths.blob_dir()``:

* a store opened with a key (SQLCipher: every signed-in profile) keeps each blob sealed with
  AES-256-GCM under a key derived from the local data key (HKDF-SHA256), with the blob's id
  as associated data (a file moved under another id does not open), and names the file by an
  HMAC of the id, so a stolen disk shows neither a document's bytes nor which document it is;
* a store opened without a key (the unsigned demo, whose database is plain SQLite too)
  keeps the bytes as they are, named by their id.

Every write is atomic and durable: a temporary file in the target folder, written, flushed
and fsynced, ``os.replace``-d over its name, then the folder fsynced (and its parent, when
the folder is new), so a crash leaves either no blob or the whole one. Every read checks
the bytes against the id. A plain blob left by an older version of an encrypted profile is
sealed when the store opens (``seal_plain``).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from workstation import paths
from workstation.domain.model import utcnow
from workstation.errors import WorkstationError
from workstation.store.engine import Database
from workstation.store.models import BlobRow
from workstation.store.records import BlobInfo
from workstation.store.rows import orm
from workstation.text import Text

MAGIC = b"CWBLOB1\n"  # a sealed blob: MAGIC, 12-byte nonce, ciphertext with its 16-byte tag
_NONCE = 12
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_RAW_KEY = re.compile(r"^[0-9a-fA-F]{64}$")


class BlobError(WorkstationError, OSError):
    """A blob that is missing, damaged, cannot be opened or is asked for by a malformed id."""

    summary = Text("A stored document could not be read or written", "无法读写已保存的文件")


class BlobKeys:
    """The two keys derived from the local data key: sealing (AES-GCM) and naming (HMAC)."""

    def __init__(self, store_key: str) -> None:
        material = (
            bytes.fromhex(store_key) if _RAW_KEY.match(store_key) else store_key.encode("utf-8")
        )
        derived = HKDF(
            algorithm=hashes.SHA256(), length=64, salt=None, info=b"collector-workstation/blobs/v1"
        ).derive(material)
        self._aead = AESGCM(derived[:32])
        self._naming = derived[32:]

    def name(self, sha256: str) -> str:
        return hmac.new(self._naming, sha256.encode("ascii"), hashlib.sha256).hexdigest()

    def seal(self, sha256: str, data: bytes) -> bytes:
        nonce = secrets.token_bytes(_NONCE)
        return MAGIC + nonce + self._aead.encrypt(nonce, data, sha256.encode("ascii"))

    def open(self, sha256: str, sealed: bytes) -> bytes:
        nonce = sealed[len(MAGIC) : len(MAGIC) + _NONCE]
        try:
            return self._aead.decrypt(nonce, sealed[len(MAGIC) + _NONCE :], sha256.encode())
        except InvalidTag:
            raise BlobError(
                f"blob {sha256} does not open with this computer's key (damaged or replaced)",
                zh=f"文件 {sha256} 无法用本机密钥打开（已损坏或被替换）",
            ) from None


def check_id(sha256: str) -> str:
    if not _SHA256_HEX.fullmatch(sha256):
        raise BlobError(
            f"{sha256!r} is not a SHA-256 blob id (64 lowercase hex digits)",
            zh=f"{sha256!r} 不是有效的文件标识（64 位小写十六进制）",
        )
    return sha256


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder for fsync; NTFS journals renames
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_durably(target: Path, data: bytes) -> None:
    """``data`` at ``target`` atomically and durably (temp file, fsync, replace, fsync dir)."""
    folder = target.parent
    created = not folder.is_dir()
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".incoming-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_folder(folder)
    if created:
        _fsync_folder(folder.parent)


class BlobRepository:
    """The blob files and their ``blobs`` rows (sealed when the store has a key)."""

    def __init__(self, db: Database, *, store_key: str | None = None) -> None:
        self._db = db
        self._keys = BlobKeys(store_key) if store_key is not None else None

    @property
    def sealed(self) -> bool:
        return self._keys is not None

    def _relative(self, sha256: str) -> str:
        name = self._keys.name(sha256) if self._keys is not None else sha256
        return f"{name[:2]}/{name}"

    def _encode(self, sha256: str, data: bytes) -> bytes:
        return self._keys.seal(sha256, data) if self._keys is not None else data

    def _decode(self, sha256: str, stored: bytes) -> bytes:
        if stored.startswith(MAGIC):
            if self._keys is None:
                raise BlobError(
                    f"blob {sha256} is encrypted and this store was opened without its key",
                    zh=f"文件 {sha256} 已加密，而本机数据未用密钥打开",
                )
            return self._keys.open(sha256, stored)
        return stored  # plain: an unencrypted store's, or an older version's (sealed at open)

    def _read(self, sha256: str, target: Path) -> bytes | None:
        try:
            stored = target.read_bytes()
        except FileNotFoundError:
            return None
        data = self._decode(sha256, stored)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise BlobError(
                f"blob {sha256} is damaged on disk ({target})",
                zh=f"文件 {sha256} 在磁盘上已损坏（{target}）",
            )
        return data

    def put(self, data: bytes, *, media_type: str = "application/octet-stream") -> str:
        """Keep ``data`` (sealed when the store has a key); returns its SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        info = self.info(digest)
        relative = info.path if info is not None else self._relative(digest)
        target = paths.blob_dir() / relative
        try:
            present = self._read(digest, target) is not None
        except BlobError:
            present = False  # damaged: this write replaces it
        if not present:
            write_durably(target, self._encode(digest, data))
        with self._db.write() as connection:
            statement = sqlite_insert(BlobRow).values(
                sha256=digest,
                path=relative,
                size=len(data),
                media_type=media_type,
                uploaded=False,
                created_at=utcnow(),
            )
            connection.execute(statement.on_conflict_do_nothing(index_elements=[BlobRow.sha256]))
        return digest

    def get(self, sha256: str) -> bytes | None:
        """The blob's bytes (opened and checked against its id), or None when not here."""
        info = self.info(sha256)
        if info is None:
            return None
        return self._read(sha256, paths.blob_dir() / info.path)

    def info(self, sha256: str) -> BlobInfo | None:
        with self._db.read() as connection:
            row = orm(connection).execute(select(BlobRow).where(BlobRow.sha256 == sha256)).first()
            if row is None:
                return None
            b: BlobRow = row[0]
            return BlobInfo(b.sha256, b.path, b.size, b.media_type, b.uploaded, b.created_at)

    def to_upload(self) -> list[BlobInfo]:
        with self._db.read() as connection:
            return [
                BlobInfo(b.sha256, b.path, b.size, b.media_type, b.uploaded, b.created_at)
                for (b,) in orm(connection).execute(
                    select(BlobRow).where(BlobRow.uploaded.is_(False)).order_by(BlobRow.created_at)
                )
            ]

    def mark_uploaded(self, sha256: str) -> None:
        with self._db.write() as connection:
            connection.execute(
                update(BlobRow).where(BlobRow.sha256 == sha256).values(uploaded=True)
            )

    def seal_plain(self) -> int:
        """Seal the plain blobs an older version left in an encrypted profile: each is
        rewritten sealed under its keyed name (the row follows), then the plain file goes.
        Returns how many were sealed; a damaged one is left for ``get`` to report."""
        if self._keys is None:
            return 0
        with self._db.read() as connection:
            rows = [(b.sha256, b.path) for (b,) in orm(connection).execute(select(BlobRow))]
        sealed = 0
        root = paths.blob_dir()
        for sha256, relative in rows:
            if relative != f"{sha256[:2]}/{sha256}":
                continue  # named by its keyed name: sealed already (no file read at each open)
            source = root / relative
            try:
                stored = source.read_bytes()
            except FileNotFoundError:
                continue
            if stored.startswith(MAGIC) or hashlib.sha256(stored).hexdigest() != sha256:
                continue
            new_relative = self._relative(sha256)
            write_durably(root / new_relative, self._keys.seal(sha256, stored))
            with self._db.write() as connection:
                connection.execute(
                    update(BlobRow).where(BlobRow.sha256 == sha256).values(path=new_relative)
                )
            if new_relative != relative:
                source.unlink(missing_ok=True)
                with contextlib.suppress(OSError):
                    _fsync_folder(source.parent)
            sealed += 1
        return sealed
