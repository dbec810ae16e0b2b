"""Opening a store: fresh, reopen, newer-version refusal, interrupted upgrade, SQLCipher."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from workstation.store import (
    MigrationError,
    Store,
    StoreLockedError,
    StoreTooNewError,
    migrate,
)
from workstation.store.models import Base

KEY = "a3" * 32  # what workstation.auth generates: 64 hex digits
PASSPHRASE = "correct horse battery staple"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fresh_open_creates_the_models_schema(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    with Store.open(path) as store:
        assert store.schema_revision() == migrate.head_revision()
        assert store.backup_path is None
        inspector = inspect(store.engine)
        tables = set(inspector.get_table_names()) - {"alembic_version"}
        assert tables == set(Base.metadata.tables)
        for name, table in Base.metadata.tables.items():
            columns = {c["name"] for c in inspector.get_columns(name)}
            assert columns == {c.name for c in table.columns}, name


def test_reopen_keeps_data_and_takes_no_backup(tmp_path: Path) -> None:
    path = tmp_path / "again.db"
    with Store.open(path) as store:
        store.set_state("user", "li.na")
    with Store.open(path) as store:
        assert store.get_state("user") == "li.na"
        assert store.backup_path is None
    assert not list(tmp_path.glob("*.bak-*"))


def _stamp(path: Path, revision: str) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    connection.close()


def test_a_store_from_a_newer_version_is_refused_and_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    with Store.open(path) as store:
        store.set_state("user", "li.na")
        store.backup_to(tmp_path / "copy.db")
    shutil.copy2(tmp_path / "copy.db", path)
    for side in ("-wal", "-shm"):
        (tmp_path / f"newer.db{side}").unlink(missing_ok=True)
    _stamp(path, "9999_from_the_future")
    before = _digest(path)
    with pytest.raises(StoreTooNewError, match="newer version") as caught:
        Store.open(path)
    assert "9999_from_the_future" in str(caught.value)
    assert _digest(path) == before
    assert not list(tmp_path.glob("newer.db.bak-*"))


def _broken_migrations(tmp_path: Path) -> Path:
    """The shipped revisions plus one that creates a table and then fails."""
    location = tmp_path / "migrations"
    shutil.copytree(
        migrate.script_location(), location, ignore=shutil.ignore_patterns("__pycache__")
    )
    (location / "versions" / "0999_broken.py").write_text(
        '"""A revision that dies half way."""\n'
        "import sqlalchemy as sa\n"
        "from alembic import op\n\n"
        "revision = '0999'\n"
        f"down_revision = {migrate.head_revision()!r}\n"
        "branch_labels = None\n"
        "depends_on = None\n\n\n"
        "def upgrade() -> None:\n"
        "    op.create_table('half_done', sa.Column('id', sa.Integer, primary_key=True))\n"
        "    op.execute(\"INSERT INTO sync_state (key, value) VALUES ('damage', '1')\")\n"
        "    raise RuntimeError('disk full while migrating')\n\n\n"
        "def downgrade() -> None:\n"
        "    pass\n",
        encoding="utf-8",
    )
    return location


def test_an_interrupted_upgrade_restores_the_file_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    with Store.open(path) as store:
        store.set_state("user", "li.na")
    shipped = migrate.head_revision()
    location = _broken_migrations(tmp_path)
    monkeypatch.setattr(migrate, "script_location", lambda: location)
    with pytest.raises(MigrationError, match="restored") as caught:
        Store.open(path)
    message = str(caught.value)
    assert "disk full while migrating" in message
    backup = path.with_name(f"old.db.bak-{shipped}")
    assert backup.is_file()
    assert str(backup) in message

    monkeypatch.undo()
    with Store.open(path) as store:  # the old version still opens its data
        assert store.get_state("user") == "li.na"
        assert store.get_state("damage") is None
        assert store.schema_revision() == migrate.head_revision()
        assert "half_done" not in inspect(store.engine).get_table_names()


def test_a_successful_upgrade_keeps_a_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "up.db"
    with Store.open(path) as store:
        store.set_state("user", "li.na")
    shipped = migrate.head_revision()
    location = _broken_migrations(tmp_path)
    script = location / "versions" / "0999_broken.py"
    script.write_text(
        script.read_text().replace("    raise RuntimeError('disk full while migrating')\n", "")
    )
    monkeypatch.setattr(migrate, "script_location", lambda: location)
    with Store.open(path) as store:
        assert store.schema_revision() == "0999"
        assert store.backup_path == path.with_name(f"up.db.bak-{shipped}")
        assert store.get_state("user") == "li.na"
    assert store.backup_path is not None
    assert store.backup_path.is_file()


@pytest.mark.parametrize("key", [KEY, PASSPHRASE])
def test_sqlcipher_store_opens_with_its_key_and_is_unreadable_without(
    tmp_path: Path, key: str
) -> None:
    path = tmp_path / "secret.db"
    with Store.open(path, key=key) as store:
        assert store.encrypted
        store.set_state("user", "李娜")
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    with Store.open(path, key=key) as store:
        assert store.get_state("user") == "李娜"
    raw = path.read_bytes()
    assert b"SQLite format 3" not in raw[:16]
    assert "李娜".encode() not in raw

    before = _digest(path)
    with pytest.raises(StoreLockedError, match="wrong key") as caught:
        Store.open(path, key="b4" * 32)
    assert "Nothing was changed" in str(caught.value)
    assert _digest(path) == before
    with pytest.raises(StoreLockedError, match="encrypted"):
        Store.open(path)  # no key at all
    assert _digest(path) == before


def test_a_plain_store_opened_with_a_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    with Store.open(path) as store:
        store.set_state("user", "x")
    before = _digest(path)
    with pytest.raises(StoreLockedError):
        Store.open(path, key=KEY)
    assert _digest(path) == before


def test_the_fast_path_head_constant_matches_alembic() -> None:
    # Opening a current store skips Alembic on the strength of this constant.
    assert migrate.head_revision() == migrate.HEAD_REVISION


def test_opening_a_current_store_does_not_import_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    Store.open(tmp_path / "current.db").close()
    probe = (
        "import sys; from pathlib import Path; from workstation.store import Store;"
        "Store.open(Path(sys.argv[1])).close();"
        "print([m for m in sys.modules if m.split('.')[0] == 'alembic'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "current.db")],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert result.stdout.strip() == "[]"
