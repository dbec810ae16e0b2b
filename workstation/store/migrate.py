"""Bring a store file to this version's schema, safely.

Owns the upgrade procedure run by ``Store.open``:

1. a file stamped with a revision this version does not know was written by a NEWER
   version: refuse (``StoreTooNewError``) and change nothing;
2. before upgrading an existing file, checkpoint the WAL and copy the file aside as
   ``<name>.bak-<revision>``;
3. run the Alembic revisions shipped in ``workstation/store/migrations`` (configured here
   programmatically, no alembic.ini); if one fails, restore the copy and raise
   ``MigrationError`` saying so.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from workstation.store.engine import WRITE_OPTION, StoreError
from workstation.text import Text

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# The newest revision in migrations/versions, so opening an up-to-date store (every start)
# needs no Alembic import (~0.25 s of cold start). A test keeps it equal to Alembic's head.
HEAD_REVISION = "0005"


class StoreTooNewError(StoreError):
    """The file was written by a newer version of the application."""

    summary = Text(
        "The local data was written by a newer version of the workstation",
        "本机数据由更新版本的工作站写入",
    )


class MigrationError(StoreError):
    """An upgrade failed; the message says whether the previous file was restored."""

    summary = Text("The local data could not be upgraded", "无法升级本机数据")


def script_location() -> Path:
    """Where the revisions live (a function so tests can point at a broken set)."""
    return _MIGRATIONS


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location()))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise MigrationError("no store migrations are installed")
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema revision stamped in the file (None for a new, empty store)."""
    try:
        with engine.connect() as connection:
            row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    except OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    return str(row[0]) if row else None


def upgrade(engine: Engine, path: Path) -> str | None:
    """Upgrade the store at ``path`` to head. Returns the backup's path name, if one was made."""
    if script_location() == _MIGRATIONS and current_revision(engine) == HEAD_REVISION:
        return None  # the common case: already current, decided without importing Alembic
    from alembic import command
    from alembic.script import ScriptDirectory

    config = alembic_config()
    scripts = ScriptDirectory.from_config(config)
    head = scripts.get_current_head()
    current = current_revision(engine)
    if current == head:
        return None
    if current is not None:
        try:
            scripts.get_revision(current)
        except Exception:
            raise StoreTooNewError(
                f"The local data at {path} was written by a newer version of Collector "
                f"Workstation (schema {current}; this version knows up to {head}). Update the "
                "application; the file was left unchanged."
            ) from None

    backup: Path | None = None
    existed = path.exists() and current is not None
    if existed:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        backup = path.with_name(f"{path.name}.bak-{current}")
        shutil.copy2(path, backup)
        log.info("store %s: copied to %s before upgrading %s -> %s", path, backup, current, head)
    try:
        with engine.connect().execution_options(**{WRITE_OPTION: True}) as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()
    except Exception as exc:
        engine.dispose()
        if backup is not None:
            _restore(backup, path)
            raise MigrationError(
                f"Upgrading the local data at {path} from schema {current} to {head} failed "
                f"({type(exc).__name__}: {exc}). The previous file was restored from {backup}; "
                "nothing was lost."
            ) from exc
        raise MigrationError(
            f"Creating the local data at {path} (schema {head}) failed "
            f"({type(exc).__name__}: {exc})."
        ) from exc
    return backup.name if backup else None


def _restore(backup: Path, path: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        side.unlink(missing_ok=True)
    shutil.copy2(backup, path)
