"""``workstation sync`` and ``workstation status`` (headless; both honour WORKSTATION_HOME).

    workstation sync --server URL --user NAME [--password-stdin]   first sign-in
    workstation sync                                               later (saved session)
    workstation status [--json]

Without a keyring the password is needed every time, and the local data opens with a
passphrase: with ``--password-stdin`` the first line of stdin is the password and the
second the passphrase; otherwise both are asked for on the terminal.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from workstation import paths
from workstation.auth.profile import (
    LocalProfile,
    PassphraseRequiredError,
    UnlockError,
    load_info,
)
from workstation.auth.unlock import UnlockMethod
from workstation.store import LAST_SYNC_AT
from workstation.sync.engine import ProgressView, SyncEngine, SyncProgress
from workstation.sync.errors import DeviceRevokedError, SignInRequiredError, SyncError
from workstation.sync.session import ApiSession
from workstation.sync.statusfile import read_status, status_path


def register(subparsers: Any) -> None:
    sync = subparsers.add_parser("sync", help="send local changes and receive the server's")
    sync.add_argument("--server", help="server URL (first sign-in)")
    sync.add_argument("--user", help="user name (first sign-in)")
    sync.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    sync.add_argument("--quiet", action="store_true", help="no progress lines")
    sync.set_defaults(func=run_sync)
    status = subparsers.add_parser("status", help="what this computer holds and owes the server")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(func=run_status)


class _Secrets:
    def __init__(self, from_stdin: bool) -> None:
        self.lines = sys.stdin.read().splitlines() if from_stdin else None

    def next(self, prompt: str) -> str:
        if self.lines is not None:
            if not self.lines:
                raise SystemExit(f"{prompt} expected on standard input")
            return self.lines.pop(0)
        return getpass.getpass(prompt)


def _open(secrets: _Secrets) -> LocalProfile:
    info = load_info()
    if info is not None and info.unlock is UnlockMethod.PASSPHRASE:
        return LocalProfile.open(passphrase=secrets.next("Passphrase for local data: "))
    try:
        return LocalProfile.open()
    except PassphraseRequiredError as exc:
        print(exc, file=sys.stderr)
        return LocalProfile.open(passphrase=secrets.next("Choose a passphrase for local data: "))


def _print_progress(view: ProgressView) -> None:
    total = f"/{view.total}" if view.total else ""
    print(f"[{view.phase}] {view.done}{total} {view.message}", file=sys.stderr)


def run_sync(args: argparse.Namespace) -> int:
    secrets = _Secrets(bool(args.password_stdin))
    info = load_info()
    first = info is None or not info.server_url
    if (args.server or args.user) and not (args.server and args.user) and first:
        print("first sign-in needs both --server and --user", file=sys.stderr)
        return 2
    if first and not args.server:
        print(
            "this computer is not set up yet: workstation sync --server URL --user NAME",
            file=sys.stderr,
        )
        return 2
    password = None
    needs_password = first or bool(args.user) or bool(args.password_stdin)
    if needs_password:
        password = secrets.next("Password: ")
    try:
        profile = _open(secrets)
    except UnlockError as exc:
        print(f"cannot open local data: {exc}", file=sys.stderr)
        return 1
    try:
        server = args.server or profile.info.server_url
        user = args.user or profile.info.username
        api = ApiSession(server, profile.device_id, secrets=profile.secrets)
        if not api.remembers_sign_in:
            print(
                "No system keyring: your sign-in is not remembered; you will be asked each time.",
                file=sys.stderr,
            )
        try:
            if password is not None:
                api.sign_in(user, password, device_name="workstation cli")
            else:
                api.ensure_token()
        except SignInRequiredError:
            password = secrets.next("Password: ")
            api.sign_in(user, password, device_name="workstation cli")
        profile.remember(server_url=api.server_url, username=user)
        progress = SyncProgress(None if args.quiet else _print_progress)
        engine = SyncEngine.for_profile(profile, api)
        report = engine.sync(progress)
    except DeviceRevokedError as exc:
        profile.wipe()  # idempotent: the engine may already have done it
        message = str(exc)
        if "erased" not in message:
            message += ". This device's local data and saved sign-in have been erased."
        print(f"device revoked: {message}", file=sys.stderr)
        return 1
    except SyncError as exc:
        print(f"sync failed: {exc}", file=sys.stderr)
        return 1
    finally:
        profile.close()
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    documents = report.blobs_uploaded + report.blobs_present
    waiting = len(report.blobs_failed) + len(report.blobs_broken)
    print(
        f"sync complete: sent {report.pushed} (acknowledged {report.acked}, rejected "
        f"{report.rejected}, conflicts {report.conflicts}, waiting {report.held_back}); "
        f"documents {documents} sent, {waiting} not sent; received {report.accounts} "
        f"accounts, {report.events} events, removed {report.removed}"
    )
    return 0


def run_status(args: argparse.Namespace) -> int:
    """What this computer holds and owes the server.

    Never asks for anything: when the local data cannot be opened now (no keyring, or a
    passphrase profile) it says ``"locked": true`` and still reports what is known without
    unlocking — server, user, device id, and the last sync from the plain status file.
    """
    info = load_info()
    if info is None:
        out: dict[str, Any] = {
            "set_up": False, "locked": False, "accounts": 0, "outbox_pending": 0,
            "needs_attention": 0, "last_sync_at": None, "server_url": None, "user": None,
            "device_id": None,
        }  # fmt: skip
    else:
        out = {
            "set_up": True,
            "server_url": info.server_url or None,
            "user": info.username or None,
            "device_id": info.device_id,
            "unlock": info.unlock.value,
        }
        profile: LocalProfile | None = None
        if info.unlock is UnlockMethod.PASSPHRASE:
            reason = "the local data opens with your passphrase; status does not ask for it"
        else:
            try:
                profile = LocalProfile.open(create=False)
            except UnlockError as exc:
                reason = str(exc)
        if profile is None:
            known = read_status(status_path(paths.store_path()))
            out.update(
                locked=True,
                locked_reason=reason,
                last_sync_at=known.get("last_sync_at"),
                outbox_pending_at_last_sync=known.get("outbox_pending_at_last_sync"),
            )
        else:
            try:
                store = profile.store
                out.update(
                    locked=False,
                    accounts=len(store.queue_rows(include_closed=True)),
                    outbox_pending=store.pending_outbox_count(),
                    needs_attention=len(store.needs_attention()),
                    last_sync_at=store.get_state(LAST_SYNC_AT),
                )
            finally:
                profile.close()
    if args.json:
        print(json.dumps(out, ensure_ascii=False, sort_keys=True))
    else:
        for key, value in out.items():
            print(f"{key}: {value}")
    return 0
