"""Handing this computer to another user: a call centre's desks change hands between shifts.

A profile belongs to the user who signed in on it: the server binds its device id to that
user, and its store holds that user's portfolio (customers' personal data included). When
someone else signs in here, the computer is handed over, never shared: once nothing of the
previous user is left to send or to look at, this profile is wiped (store, documents, saved
sign-in) and a fresh one, with a new device id and a new store key, is theirs. While the
previous user still has work here that the server has not acknowledged — outbox entries,
documents not uploaded, needs-attention items they have not settled — the hand-over is
refused and nothing is touched: they sign in and sync first (DESIGN §5: nothing recorded
offline is lost).

A computer without a keyring locks its store with its user's passphrase, which is never
stored: a fresh store needs the new user's own (``passphrase``; the demo's is published).
Without one the hand-over is refused with a way out (the previous user signs in, or the
administrator revokes the device, which wipes it on its next sync). The window never has the
new user's passphrase and refuses; the sync command line asks for the previous user's (to
open their data and check it) and then for the new user's.
"""

from __future__ import annotations

from dataclasses import dataclass

from workstation.auth.profile import LocalProfile, ProfileInfo
from workstation.auth.unlock import UnlockMethod, check_new_passphrase
from workstation.errors import WorkstationError
from workstation.store import Store
from workstation.text import Text


class HandOverRefused(WorkstationError, RuntimeError):
    """Another user's work is still on this computer; nothing was changed."""

    summary = Text(
        "This computer still holds another user's work", "本机仍保存着其他用户的工作记录"
    )


@dataclass(frozen=True, slots=True)
class Unsynced:
    """What the holder of a store still owes the server, or has still to look at."""

    outbox: int  # records not acknowledged by the server
    documents: int  # agreement PDFs not uploaded
    attention: int  # needs-attention items not settled

    @property
    def total(self) -> int:
        return self.outbox + self.documents + self.attention

    @classmethod
    def of(cls, store: Store) -> Unsynced:
        return cls(
            outbox=store.pending_outbox_count(),
            documents=len(store.blobs_to_upload()),
            attention=len(store.needs_attention()),
        )


def held_by_other(info: ProfileInfo, user: str) -> bool:
    """Whether the profile belongs to someone other than ``user`` (a new profile is no one's)."""
    holder = info.username.strip()
    return bool(holder) and holder.casefold() != user.strip().casefold()


def check_hand_over(profile: LocalProfile, user: str, *, passphrase: str | None = None) -> bool:
    """Whether ``user`` signing in here takes the computer over (False: it is theirs, or no
    one's yet). Raises ``HandOverRefused`` when it may not be handed over now, or
    ``PassphraseError`` when ``passphrase`` is too short to lock the fresh store; changes
    nothing either way: the caller signs the new user in first (as a new device,
    ``new_device_id``) and calls ``hand_over`` once that worked."""
    if not held_by_other(profile.info, user):
        return False
    holder, user = profile.info.username, user.strip()
    left = Unsynced.of(profile.store)
    if left.total:
        raise HandOverRefused(_unsynced_text(holder, user, left))
    if profile.info.unlock is not UnlockMethod.KEYRING:
        if passphrase is None:
            raise locked_by_passphrase(holder, user)
        check_new_passphrase(passphrase)  # before anything is wiped, not after
    return True


def locked_by_passphrase(holder: str, user: str) -> HandOverRefused:
    """The refusal where the holder's data is locked with their passphrase and no passphrase
    for the new user's store was given (or the holder's was not given to open theirs)."""
    return HandOverRefused(
        Text(
            f"The local data here is locked with {holder}'s passphrase (this computer has "
            f"no keyring). {holder} signs in, or the administrator revokes this device "
            f"so that its next sync clears it; then {user} can sign in.",
            f"本机没有系统密钥环，本机数据由 {holder} 的口令加密。请 {holder} 登录，"
            f"或由管理员停用本设备（下次同步时清除本机数据），之后 {user} 即可登录。",
        )
    )


def hand_over(
    profile: LocalProfile,
    user: str,
    *,
    device_id: str | None = None,
    passphrase: str | None = None,
) -> LocalProfile:
    """The profile ``user`` works with: ``profile`` itself when it is theirs (or no one's
    yet); otherwise a fresh one (``device_id``, the id the new user signed in with, or a new
    one) once ``profile`` is wiped: it is closed and must not be used after a hand-over.
    ``passphrase`` locks the fresh store on a computer without a keyring (the new user's
    own; the demo's published one). Raises ``HandOverRefused`` (nothing changed) as
    ``check_hand_over`` does."""
    if not check_hand_over(profile, user, passphrase=passphrase):
        return profile
    profile.wipe()
    return LocalProfile.open(device_id=device_id, passphrase=passphrase)


def _unsynced_text(holder: str, user: str, left: Unsynced) -> Text:
    parts_en, parts_zh = [], []
    if left.outbox:
        parts_en.append(f"{left.outbox} record{'s' if left.outbox != 1 else ''} not synced")
        parts_zh.append(f"{left.outbox} 条记录未同步")
    if left.documents:
        parts_en.append(
            f"{left.documents} document{'s' if left.documents != 1 else ''} not uploaded"
        )
        parts_zh.append(f"{left.documents} 份文件未上传")
    if left.attention:
        parts_en.append(
            f"{left.attention} item{'s' if left.attention != 1 else ''} needing attention"
        )
        parts_zh.append(f"{left.attention} 项待处理")
    return Text(
        f"This computer holds {holder}'s work: {', '.join(parts_en)}. {holder} signs in and "
        f"syncs first (and settles what needs attention); then {user} can sign in here.",
        f"本机保存着 {holder} 的工作：{'，'.join(parts_zh)}。请 {holder} 先登录并同步"
        f"（并处理待处理事项），之后 {user} 即可在本机登录。",
    )
