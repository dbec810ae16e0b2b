"""``workstation sync`` and ``workstation status`` (headless; both honour WORKSTATION_HOME).

    workstation sync --server URL --user NAME [--password-stdin]   first sign-in
    workstation sync                                               later (saved session)
    workstation status [--json]

Without a keyring the password is needed every time, and the local data opens with a
passphrase: with ``--password-stdin`` the first line of stdin is the password and the
second the passphrase; otherwise both are asked for on the terminal.

``--user OTHER`` on a computer set up for someone else hands it over as the window's
sign-in does (``auth.handover``): once the previous user's work is all on the server,
OTHER signs in as a new device and the previous profile is wiped; while any is left it is
refused, saying whose work and what (in English and Chinese, exit 1), and nothing changes.
Without a keyring the previous user's data opens only with their passphrase, so the
hand-over asks for it (the second line), then for OTHER's own passphrase for the fresh
data (the third); without theirs it is refused as the window refuses it.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from workstation import paths
from workstation.auth.handover import (
    HandOverRefused,
    check_hand_over,
    hand_over,
    held_by_other,
    locked_by_passphrase,
)
from workstation.auth.profile import (
    LocalProfile,
    PassphraseRequiredError,
    ProfileInfo,
    UnlockError,
    load_info,
    new_device_id,
)
from workstation.auth.secrets import SecretStore
from workstation.auth.unlock import PassphraseError, UnlockMethod
from workstation.store import LAST_SYNC_AT
from workstation.sync.engine import ProgressView, SyncEngine, SyncProgress, SyncReport
from workstation.sync.errors import (
    DeviceRevokedError,
    ServerError,
    SignInRequiredError,
    SyncError,
)
from workstation.sync.session import ApiSession
from workstation.sync.statusfile import read_status, status_path
from workstation.text import Text


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


def _open(secrets: _Secrets, info: ProfileInfo | None, handing_over: bool) -> LocalProfile:
    if info is not None and info.unlock is UnlockMethod.PASSPHRASE:
        prompt = "Passphrase for local data: "
        if handing_over:
            holder = info.username
            print(
                f"This computer is set up for {holder} and has no keyring: {holder}'s "
                f"passphrase opens their local data, to check that all of it is on the server.",
                file=sys.stderr,
            )
            prompt = f"{holder}'s passphrase for the local data: "
        return LocalProfile.open(passphrase=secrets.next(prompt))
    try:
        return LocalProfile.open()
    except PassphraseRequiredError as exc:
        print(exc, file=sys.stderr)
        return LocalProfile.open(passphrase=secrets.next("Choose a passphrase for local data: "))


def _say(text: Text, file: Any = None) -> None:
    """A message for a person, in English and then in Chinese (the CLI has no language)."""
    file = file or sys.stderr
    print(text.en, file=file)
    if text.zh and text.zh != text.en:
        print(text.zh, file=file)


def _handing_over(profile: LocalProfile, user: str, secrets: _Secrets) -> tuple[bool, str | None]:
    """Whether ``user`` takes this computer over, and the passphrase for their fresh data on a
    computer without a keyring. Raises ``HandOverRefused`` / ``PassphraseError``; changes
    nothing."""
    passphrase = None
    if held_by_other(profile.info, user) and profile.info.unlock is not UnlockMethod.KEYRING:
        passphrase = secrets.next(f"Choose a passphrase for {user}'s local data: ")
    return check_hand_over(profile, user, passphrase=passphrase), passphrase


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
    handing_over = info is not None and bool(args.user) and held_by_other(info, args.user)
    try:
        profile = _open(secrets, info, handing_over)
    except UnlockError as exc:
        print(f"cannot open local data: {exc}", file=sys.stderr)
        if handing_over:  # the holder's work cannot be checked: refused as the window does
            assert info is not None
            _say(locked_by_passphrase(info.username, args.user.strip()).text)
        return 1
    try:
        server = args.server or profile.info.server_url
        user = (args.user or profile.info.username).strip()
        profile, api = _signed_in(profile, server, user, password, secrets)
        profile.remember(
            server_url=api.server_url,
            username=user,
            display_name=api.user.display_name if api.user is not None else "",
        )
        progress = SyncProgress(None if args.quiet else _print_progress)
        engine = SyncEngine.for_profile(profile, api)
        report = engine.sync(progress)
    except (HandOverRefused, PassphraseError) as exc:
        _say(exc.text)
        return 1
    except DeviceRevokedError as exc:
        profile.wipe()  # idempotent: the engine may already have done it
        message = str(exc)
        if "erased" not in message:
            message += ". This device's local data and saved sign-in have been erased."
        print(f"device revoked: {message}", file=sys.stderr)
        return 1
    except ServerError as exc:
        if exc.code == "device_bound_to_other_user":  # a profile that forgot its user
            _say(_BOUND_TO_ANOTHER)
        else:
            print(f"sync failed: {exc}", file=sys.stderr)
        return 1
    except SyncError as exc:
        print(f"sync failed: {exc}", file=sys.stderr)
        return 1
    finally:
        profile.close()
    _print_report(report)
    return 0


def _signed_in(
    profile: LocalProfile, server: str, user: str, password: str | None, secrets: _Secrets
) -> tuple[LocalProfile, ApiSession]:
    """``user`` signed in on ``server``, and the profile they work with: ``profile``, or a
    fresh one when they took the computer over (``profile`` is then wiped). Raises
    ``HandOverRefused`` / ``PassphraseError`` (nothing changed) or ``SyncError``."""
    taking_over, passphrase = _handing_over(profile, user, secrets)
    # the new user of a handed-over computer signs in as a NEW device; this profile is
    # wiped only once that worked, so a wrong password (or no server) leaves it as it was
    device_id = new_device_id() if taking_over else profile.device_id
    api = ApiSession(server, device_id, secrets=SecretStore(device_id))
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
    if not taking_over:
        return profile, api
    holder = profile.info.username
    try:
        fresh = hand_over(profile, user, device_id=device_id, passphrase=passphrase)
    except HandOverRefused:  # the previous user's work arrived meanwhile
        SecretStore(device_id).wipe()  # the new device's saved sign-in, unused
        raise
    _say(_handed_over(holder, user), sys.stdout)
    return fresh, api


def _print_report(report: SyncReport) -> None:
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


_BOUND_TO_ANOTHER = Text(
    "This computer is registered on the server to another user. They sign in and sync, "
    "then the computer can be handed over.",
    "本机已在服务器上登记给其他用户。请该用户先登录并同步，之后即可交接本机。",
)


def _handed_over(holder: str, user: str) -> Text:
    return Text(
        f"This computer was handed over from {holder} to {user}: all of {holder}'s work was "
        f"on the server, so {holder}'s local data and saved sign-in were removed, and {user} "
        f"signed in as a new device.",
        f"本机已由 {holder} 交接给 {user}：{holder} 的工作已全部同步到服务器，因此已删除 "
        f"{holder} 的本机数据和保存的登录信息；{user} 以新设备身份登录。",
    )


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
