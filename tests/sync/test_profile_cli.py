"""Credentials, encryption at rest, the CLI, revocation — a collector's laptop end to end."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring

from tests.keyring_memory import MemoryKeyring
from tests.seeded_store import record_note
from tests.server.conftest import PASSWORD, Backend
from workstation import paths
from workstation.auth.profile import LocalProfile, UnlockError, load_info
from workstation.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture
def memory_keyring_backend() -> Any:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Any:
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    yield
    keyring.set_keyring(previous)


def _cli(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str = "") -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    code = main(argv)
    return code, out.getvalue()


def test_cli_first_sign_in_then_plain_sync_and_status(
    backend: Backend, memory_keyring_backend: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = backend.of_role("field")[0].username
    code, out = _cli(monkeypatch, ["sync", "--server", backend.base, "--user", user,
                                   "--password-stdin", "--quiet"], PASSWORD + "\n")  # fmt: skip
    assert code == 0, out
    # only the refresh token and the store key are in the keyring
    kinds = sorted(name.split(":")[1] for _, name in memory_keyring_backend.entries)
    assert kinds == ["refresh", "store-key"]
    profile = LocalProfile.open()
    record_note(profile.store, profile.device_id)
    profile.close()
    code, out = _cli(monkeypatch, ["status", "--json"])
    status = json.loads(out)
    assert status["outbox_pending"] == 1
    assert status["accounts"] > 0
    assert status["user"] == user
    assert status["server_url"] == backend.base
    assert status["device_id"].startswith("ws-")
    assert status["needs_attention"] == 0
    code, out = _cli(monkeypatch, ["sync", "--quiet"])  # the saved session, no password
    assert code == 0, out
    status = json.loads(_cli(monkeypatch, ["status", "--json"])[1])
    assert status["outbox_pending"] == 0
    assert status["last_sync_at"]


def test_no_password_token_or_key_is_written_under_home(
    backend: Backend, memory_keyring_backend: MemoryKeyring, monkeypatch: pytest.MonkeyPatch,
    workstation_home: Path,
) -> None:  # fmt: skip
    from workstation.auth.profile import staging_path
    from workstation.sync.engine import SyncEngine
    from workstation.sync.session import ApiSession

    user = backend.of_role("agent")[0].username
    profile = LocalProfile.open()
    api = ApiSession(backend.base, profile.device_id, secrets=profile.secrets)
    api.sign_in(user, PASSWORD)
    profile.remember(server_url=backend.base, username=user)
    engine = SyncEngine(profile.store, api, wipe=profile.wipe, staging_path=staging_path(),
                        staging_key=profile.store_key)  # fmt: skip
    engine.sync()
    record_note(profile.store, profile.device_id)
    engine.sync()
    customer_name = profile.store.queue_rows()[0].customer_name
    secrets = {
        "password": PASSWORD * 3 if len(PASSWORD) < 6 else PASSWORD,
        "access": api.http.access_token or "",
        "refresh": api._refresh_token or "",
        "key": profile.store_key,
    }
    profile.close()
    assert all(secrets.values())
    needles = [v.encode() for v in secrets.values()]
    needles += [bytes.fromhex(secrets["key"]), customer_name.encode()]
    files = [p for p in workstation_home.rglob("*") if p.is_file()]
    assert any(p.name == "workstation.db" for p in files)
    for file in files:
        data = file.read_bytes()
        for needle in needles:
            assert needle not in data, f"{needle[:12]!r}… found in {file}"


def test_no_keyring_says_so_and_asks_each_time(
    backend: Backend, no_keyring: None, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    user = backend.of_role("agent")[0].username
    passphrase = "correct horse battery"
    code, _ = _cli(monkeypatch, ["sync", "--server", backend.base, "--user", user,
                                 "--password-stdin", "--quiet"], f"{PASSWORD}\n{passphrase}\n")  # fmt: skip
    assert code == 0
    assert "No system keyring" in capsys.readouterr().err
    info = load_info()
    assert info is not None
    assert info.unlock == "passphrase"
    # the next sync needs the password again (nothing was remembered) and the passphrase
    code, _ = _cli(monkeypatch, ["sync", "--password-stdin", "--quiet"],
                   f"{PASSWORD}\n{passphrase}\n")  # fmt: skip
    assert code == 0
    # status asks for nothing: locked, but says what it knows without unlocking
    code, out = _cli(monkeypatch, ["status", "--json"])
    assert code == 0
    status = json.loads(out)
    assert status["locked"] is True
    assert status["unlock"] == "passphrase"
    assert (status["server_url"], status["user"]) == (backend.base, user)
    assert status["device_id"] == info.device_id
    assert status["last_sync_at"]
    assert status["outbox_pending_at_last_sync"] == 0
    assert "accounts" not in status  # that needs the unlocked data
    # a wrong passphrase says so and changes nothing
    store_file = paths.store_path()
    before = store_file.read_bytes()
    with pytest.raises(UnlockError, match="passphrase"):
        LocalProfile.open(passphrase="not the passphrase")
    assert store_file.read_bytes() == before
    # offline sign-in: the right passphrase opens the local data without any server
    profile = LocalProfile.open(passphrase=passphrase)
    assert profile.store.queue_rows()
    profile.close()


def test_status_when_the_keyring_is_gone_says_locked_and_what_is_known(
    backend: Backend, memory_keyring_backend: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = backend.of_role("agent", "ny-desk")[1].username
    code, _ = _cli(monkeypatch, ["sync", "--server", backend.base, "--user", user,
                                 "--password-stdin", "--quiet"], PASSWORD + "\n")  # fmt: skip
    assert code == 0
    profile = LocalProfile.open()
    # offline work after the sync: the plain file does not know it
    record_note(profile.store, profile.device_id)
    profile.close()
    unlocked = json.loads(_cli(monkeypatch, ["status", "--json"])[1])
    assert unlocked["locked"] is False
    assert unlocked["outbox_pending"] == 1
    keyring.set_keyring(FailKeyring())  # e.g. an ssh session: no keyring to unlock with
    try:
        code, out = _cli(monkeypatch, ["status", "--json"])
    finally:
        keyring.set_keyring(memory_keyring_backend)
    assert code == 0
    status = json.loads(out)
    assert status["locked"] is True
    assert "keyring" in status["locked_reason"]
    assert (status["server_url"], status["user"]) == (backend.base, user)
    assert status["device_id"] == unlocked["device_id"]
    assert status["last_sync_at"] == unlocked["last_sync_at"]
    assert status["outbox_pending_at_last_sync"] == 0
    assert "outbox_pending" not in status  # unknown while locked: not guessed


def test_wrong_keyring_key_is_refused_and_changes_nothing(
    memory_keyring_backend: MemoryKeyring,
) -> None:
    profile = LocalProfile.open()
    assert profile.store.encrypted
    profile.close()
    store_file = paths.store_path()
    before = store_file.read_bytes()
    for name in list(memory_keyring_backend.entries):
        if name[1].endswith(":store-key"):
            memory_keyring_backend.entries[name] = "cd" * 32
    with pytest.raises(UnlockError, match="wrong key"):
        LocalProfile.open()
    assert store_file.read_bytes() == before


def test_revoked_device_wipes_local_data_and_credentials(
    backend: Backend, memory_keyring_backend: MemoryKeyring, monkeypatch: pytest.MonkeyPatch,
    workstation_home: Path,
) -> None:  # fmt: skip
    user = backend.of_role("agent", "ny-desk")[0].username
    code, _ = _cli(monkeypatch, ["sync", "--server", backend.base, "--user", user,
                                 "--password-stdin", "--quiet"], PASSWORD + "\n")  # fmt: skip
    assert code == 0
    info = load_info()
    assert info is not None
    admin = backend.login("admin")
    assert admin.post(f"/api/v1/admin/devices/{info.device_id}/revoke").status_code == 200
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    code, _ = _cli(monkeypatch, ["sync", "--quiet"])
    assert code == 1
    assert "revoked" in err.getvalue()
    assert "erased" in err.getvalue()
    assert not paths.store_path().exists()
    assert load_info() is None
    assert memory_keyring_backend.entries == {}


# --- a desk changes hands: `workstation sync --user OTHER` on a computer set up for someone else


def _sign_in_cli(
    monkeypatch: pytest.MonkeyPatch, backend: Backend, user: str, stdin: str
) -> tuple[int, str, str]:
    """``workstation sync --server … --user USER --password-stdin``: exit code, out, err."""
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    code, out = _cli(monkeypatch, ["sync", "--server", backend.base, "--user", user,
                                   "--password-stdin", "--quiet"], stdin)  # fmt: skip
    return code, out, err.getvalue()


def test_cli_hands_the_computer_over_once_the_first_users_work_is_synced(
    backend: Backend, memory_keyring_backend: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, other = (u.username for u in backend.of_role("agent")[:2])
    code, out, err = _sign_in_cli(monkeypatch, backend, first, PASSWORD + "\n")
    assert code == 0, err
    info = load_info()
    assert info is not None
    profile = LocalProfile.open()
    first_accounts = {row.account_id for row in profile.store.queue_rows()}
    record_note(profile.store, profile.device_id, "left at the end of the shift")
    profile.close()

    # a record not synced: refused, saying whose work and what, in both languages
    code, out, err = _sign_in_cli(monkeypatch, backend, other, PASSWORD + "\n")
    assert code == 1
    assert f"This computer holds {first}'s work: 1 record not synced." in err
    assert f"本机保存着 {first} 的工作：1 条记录未同步。" in err
    assert "HTTP 409" not in err
    assert load_info() == info  # same user, same device
    profile = LocalProfile.open()
    assert profile.store.pending_outbox_count() == 1  # the record still waits
    profile.close()

    # the first user syncs (the saved session); a wrong password for the other changes nothing
    assert _cli(monkeypatch, ["sync", "--quiet"])[0] == 0
    code, out, err = _sign_in_cli(monkeypatch, backend, other, "wrong\n")
    assert code == 1
    assert load_info() == info

    # now the other takes the computer: told so, a new device, the first user's data gone
    code, out, err = _sign_in_cli(monkeypatch, backend, other, PASSWORD + "\n")
    assert code == 0, err
    assert f"handed over from {first} to {other}" in out
    assert f"已由 {first} 交接给 {other}" in out
    taken = load_info()
    assert taken is not None
    assert taken.username == other
    assert taken.device_id != info.device_id
    assert not any(info.device_id in name for _, name in memory_keyring_backend.entries)
    profile = LocalProfile.open()
    held = {row.account_id for row in profile.store.queue_rows()}
    profile.close()
    assert held
    assert not held & first_accounts


def test_cli_without_a_keyring_hands_over_with_the_holders_passphrase_and_a_new_one(
    backend: Backend, no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, other = (u.username for u in backend.of_role("agent")[:2])
    theirs, mine = "first shift passphrase", "second shift passphrase"
    code, out, err = _sign_in_cli(monkeypatch, backend, first, f"{PASSWORD}\n{theirs}\n")
    assert code == 0, err
    info = load_info()
    assert info is not None
    store_file = paths.store_path()
    before = store_file.read_bytes()

    # without the holder's passphrase their work cannot be checked: refused, nothing changed
    code, out, err = _sign_in_cli(monkeypatch, backend, other,
                                  f"{PASSWORD}\nnot their passphrase\n{mine}\n")  # fmt: skip
    assert code == 1
    assert f"locked with {first}'s passphrase" in err
    assert f"由 {first} 的口令加密" in err
    assert load_info() == info
    assert store_file.read_bytes() == before

    # a passphrase too short for the new data: refused before anything is wiped
    code, out, err = _sign_in_cli(monkeypatch, backend, other, f"{PASSWORD}\n{theirs}\nshort\n")
    assert code == 1
    assert "at least 10 characters" in err
    assert load_info() == info

    # the holder opens their data, all of it on the server: handed over, locked with mine
    code, out, err = _sign_in_cli(monkeypatch, backend, other, f"{PASSWORD}\n{theirs}\n{mine}\n")
    assert code == 0, err
    assert f"handed over from {first} to {other}" in out
    taken = load_info()
    assert taken is not None
    assert (taken.username, taken.unlock) == (other, "passphrase")
    assert taken.device_id != info.device_id
    with pytest.raises(UnlockError, match="passphrase"):
        LocalProfile.open(passphrase=theirs)
    profile = LocalProfile.open(passphrase=mine)
    assert profile.store.queue_rows()
    profile.close()
