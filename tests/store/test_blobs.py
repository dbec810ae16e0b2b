"""The desktop's one blob store: sealed with the local data key, atomic and durable on disk.

Real stores (SQLCipher with a key, plain SQLite without) in the test's own profile folder.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

import pytest

from workstation import paths
from workstation.store import Store
from workstation.store.blobs import MAGIC, BlobError

PDF = b"%PDF-1.7\n% Repayment agreement for Eleanor Whitfield, 590.00 GBP\n%%EOF\n"


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture
def key() -> str:
    return secrets.token_hex(32)


@pytest.fixture
def sealed_store(tmp_path: Path, key: str):
    store = Store.open(tmp_path / "sealed.db", key=key)
    yield store
    store.close()


def test_an_encrypted_store_keeps_blobs_sealed_and_opens_them(sealed_store: Store) -> None:
    digest = sealed_store.put_blob(PDF, media_type="application/pdf")
    assert digest == hashlib.sha256(PDF).hexdigest()
    [stored] = _files(paths.blob_dir())
    raw = stored.read_bytes()
    assert raw.startswith(MAGIC)
    assert b"%PDF" not in raw
    assert b"Whitfield" not in raw
    assert digest not in str(stored), "the file name does not tell which document it is"
    assert sealed_store.get_blob(digest) == PDF
    assert sealed_store.put_blob(PDF) == digest  # idempotent: one file, one row
    assert _files(paths.blob_dir()) == [stored]
    assert [b.sha256 for b in sealed_store.blobs_to_upload()] == [digest]
    assert sealed_store.get_blob("0" * 64) is None


def test_a_sealed_blob_opens_only_with_its_key_and_under_its_own_id(
    tmp_path: Path, sealed_store: Store
) -> None:
    first = sealed_store.put_blob(PDF)
    second = sealed_store.put_blob(PDF + b"second")
    first_info, second_info = sealed_store.blob_info(first), sealed_store.blob_info(second)
    assert first_info is not None
    assert second_info is not None
    first_file = paths.blob_dir() / first_info.path
    second_file = paths.blob_dir() / second_info.path
    first_file.write_bytes(second_file.read_bytes())  # one sealed file put in another's place
    with pytest.raises(BlobError, match="does not open"):
        sealed_store.get_blob(first)
    sealed = second_file.read_bytes()
    second_file.write_bytes(sealed[:-1] + bytes([sealed[-1] ^ 1]))  # one bit flipped
    with pytest.raises(BlobError, match="does not open"):
        sealed_store.get_blob(second)
    assert sealed_store.put_blob(PDF) == first  # a damaged file is rewritten by the next put
    assert sealed_store.get_blob(first) == PDF


def test_a_store_without_a_key_keeps_plain_checked_blobs(tmp_path: Path) -> None:
    with Store.open(tmp_path / "plain.db") as store:
        digest = store.put_blob(PDF)
        stored = paths.blob_dir() / digest[:2] / digest
        assert stored.read_bytes() == PDF  # the demo's store is plain SQLite too
        stored.write_bytes(b"tampered")
        with pytest.raises(BlobError, match="damaged"):
            store.get_blob(digest)


def test_a_write_is_fsynced_then_renamed_then_its_folder_fsynced(
    sealed_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor: int) -> None:
        calls.append("fsync-dir" if os.path.isdir(f"/proc/self/fd/{descriptor}") else "fsync")
        real_fsync(descriptor)

    def replace(source: str | Path, target: str | Path) -> None:
        calls.append("replace")
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    sealed_store.put_blob(PDF)
    # the file's bytes, the rename, the blob's folder, and the new folder's parent
    assert calls[:4] == ["fsync", "replace", "fsync-dir", "fsync-dir"]


def test_a_failed_write_leaves_no_blob_and_no_row(
    sealed_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        sealed_store.put_blob(PDF)
    assert _files(paths.blob_dir()) == []
    assert sealed_store.blob_info(hashlib.sha256(PDF).hexdigest()) is None


def test_plain_blobs_of_an_older_version_are_sealed_when_the_store_opens(
    tmp_path: Path, key: str
) -> None:
    path = tmp_path / "older.db"
    with Store.open(path, key=key) as store:
        digest = store.put_blob(PDF)
        with store.write() as connection:  # as an older version laid it out: plain, by id
            connection.exec_driver_sql(
                "UPDATE blobs SET path = ? WHERE sha256 = ?", (f"{digest[:2]}/{digest}", digest)
            )
    for old in _files(paths.blob_dir()):
        old.unlink()
    plain = paths.blob_dir() / digest[:2] / digest
    plain.parent.mkdir(parents=True, exist_ok=True)
    plain.write_bytes(PDF)
    with Store.open(path, key=key) as store:
        assert not plain.exists()
        [stored] = _files(paths.blob_dir())
        assert stored.read_bytes().startswith(MAGIC)
        assert store.get_blob(digest) == PDF
