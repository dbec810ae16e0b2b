"""The application context handed to every window and view (no module-level globals).

It owns the settings, the local store, the desk service, the op runner and the sync
bridge, and — as typed fields, once there are any — the unlocked profile, the field service
and the lead's API client. ``open_store`` opens the SQLite store (``workstation.store``,
always installed); ``SyncBridge`` is the seam to the sync engine, which is only there once
signed in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from ui import settings as settings_mod
from ui.ops import OpRunner, OpState
from ui.settings import Settings
from workstation.desk import DeskService
from workstation.domain import Role

if TYPE_CHECKING:
    from workstation.auth.profile import LocalProfile
    from workstation.field import FieldService
    from workstation.lead import LeadClient
    from workstation.store import Store
    from workstation.sync import ProgressView, SyncEngine, SyncReport

log = logging.getLogger(__name__)


def open_store() -> tuple[Store, str]:
    """The local replica at the profile's store path (unencrypted; the signed-in path opens
    it through ``workstation.auth.LocalProfile`` with its key).

    Returns the store and a short description of where data lives and whether it is
    encrypted (shown in Settings).
    """
    from workstation.store import Store

    store = Store.open()
    return store, "sqlite-encrypted" if store.encrypted else "sqlite"


@dataclass
class SyncStatus:
    available: bool
    online: bool
    pending: int
    last_sync: datetime | None
    needs_attention: int


class SyncUnavailableError(RuntimeError):
    pass


class SyncBridge:
    """What the window knows about sync: the signed-in engine, once sign-in attaches one."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._engine: SyncEngine | None = None
        self._online = False

    @property
    def available(self) -> bool:
        return self._engine is not None

    @property
    def engine(self) -> SyncEngine | None:
        """The signed-in sync engine (``None`` until sign-in attaches one)."""
        return self._engine

    @property
    def online(self) -> bool:
        """Whether the last contact with the server worked (False until signed in)."""
        return self._engine is not None and self._online

    def attach(self, engine: SyncEngine, *, online: bool = True) -> None:
        """Sign-in hands the authenticated engine here (one place to wire sync/auth)."""
        self._engine = engine
        self._online = online

    def _pending(self) -> int:
        return self.store.pending_outbox_count()

    def needs_attention(self) -> list[dict[str, str]]:
        """What sync could not settle, as (what, why, what the agent can do) rows."""
        from ui.i18n import tr

        raw = self.store.needs_attention()
        actions = {
            "rejected": tr("Check the record and enter it again if it is still right"),
            "conflict": tr("Compare both values; your team lead decides which one stays"),
            "reassigned": tr("Nothing: the new owner sees what you recorded"),
        }
        items = []
        for entry in raw:
            kind = entry.kind or ""
            account = entry.account_id or ""
            what = kind + (f" · …{account[-8:]}" if account else "")
            items.append(
                {
                    "what": what,
                    "why": entry.reason or "",
                    "action": actions.get(kind, tr("Ask your team lead")),
                }
            )
        return items

    def status(self) -> SyncStatus:
        """Read on the db worker: counts from the store, online state from the engine."""
        from workstation.store import LAST_SYNC_AT

        engine = self._engine
        last = None
        raw = self.store.get_state(LAST_SYNC_AT)
        if isinstance(raw, datetime):
            last = raw
        elif isinstance(raw, str) and raw:
            last = datetime.fromisoformat(raw)
        return SyncStatus(
            available=self.available,
            online=self._online if engine is not None else False,
            pending=self._pending(),
            last_sync=last,
            needs_attention=len(self.needs_attention()),
        )

    def run(self, state: OpState) -> SyncReport:
        """One sync round (runs on the pool). Raises SyncUnavailableError until signed in.

        ``SyncEngine.sync(progress)`` takes only the progress object; cancelling goes through
        ``SyncProgress.cancel()``, which the op's cancel is forwarded to. Agreement PDFs kept
        as blobs are uploaded first (idempotent by hash), so a plan's document is on the
        server before its event.
        """
        engine = self._engine
        if engine is None or not self.available:
            raise SyncUnavailableError("sync engine not available")
        from workstation.field.uploads import sync_field_device
        from workstation.sync import OfflineError, SyncProgress

        def forward(view: ProgressView) -> None:  # worker thread: forward, never touch widgets
            state.progress(view.done, view.total or 0, view.message)

        progress = SyncProgress(on_change=forward)
        state.on_cancel(progress.cancel)
        try:
            report, _uploads = sync_field_device(engine, progress)
        except OfflineError:
            self._online = False
            raise
        self._online = True
        return report


@dataclass
class AppContext:
    settings: Settings
    store: Store
    desk: DeskService
    runner: OpRunner
    sync: SyncBridge
    role: Role = Role.AGENT
    user: str = "agent1"
    storage: str = "sqlite"
    # the unlocked local profile (sign-in remembers the server and user through it)
    profile: LocalProfile | None = None
    # the lead console's API client: set by tests, else built over the signed-in session
    lead_client: LeadClient | None = None
    _field: FieldService | None = field(default=None, init=False, repr=False)

    @property
    def agent_name(self) -> str:
        """The name the agent gives a customer: the display name the server holds for the
        signed-in user (the profile remembers it), else the user name."""
        info = self.profile.info if self.profile is not None else None
        if info is not None and info.display_name and info.username == self.user:
            return info.display_name
        return self.user

    def save_settings(self) -> None:
        settings_mod.save(self.settings)

    def attach_engine(self, engine: SyncEngine, *, online: bool = True) -> None:
        """The signed-in sync engine: the sync bridge, the field screen's round and the lead
        console's client all use this one."""
        self.sync.attach(engine, online=online)
        self.lead_client = None  # rebuilt over the new session on next use

    def lead_api(self) -> LeadClient | None:
        """The lead console's client: the one set, else one over the signed-in session."""
        if self.lead_client is None and self.sync.engine is not None:
            from workstation.lead import LeadClient

            self.lead_client = LeadClient(self.sync.engine.api)
        return self.lead_client

    def field_service(self) -> FieldService:
        """The field collector's service (created once, over this context's store and desk)."""
        if self._field is None:
            from workstation.field import FieldService

            self._field = FieldService(
                self.store,
                self.desk.device_id,
                self.user,
                desk=self.desk,
                clock=self.desk.now,  # the desk's time: training's, or a test's fixed one
                creditor=self.settings.creditor,
            )
        return self._field


def build_context(
    *,
    settings: Settings | None = None,
    store: Store | None = None,
    role: Role = Role.AGENT,
    user: str = "",
) -> AppContext:
    """Assemble the context (needs a QApplication for the runner)."""
    settings = settings or settings_mod.load()
    storage = "provided"
    if store is None:
        store, storage = open_store()
    user = user or settings.last_user or f"demo-{role.value}"
    desk = DeskService(store, settings.ensure_device_id(), user, role=role)
    desk.creditor = settings.creditor  # "": the shipped creditor (domain.creditor)
    return AppContext(
        settings=settings,
        store=store,
        desk=desk,
        runner=OpRunner(),
        sync=SyncBridge(store),
        role=role,
        user=user,
        storage=storage,
    )
