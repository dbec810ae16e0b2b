"""``workstation demo``: fill a local store, open the window (or render screenshots and exit)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.domain import Role

if TYPE_CHECKING:
    from workstation.auth.profile import LocalProfile
    from workstation.server.embedded import EmbeddedServer
    from workstation.store import Store
    from workstation.sync import SyncEngine

log = logging.getLogger(__name__)


DEMO_USERS = {Role.AGENT: "li.na", Role.FIELD: "wang.qiang", Role.LEAD: "zhao.min"}
DEMO_PASSWORD = "demo"  # the seed's shared demo password (never a real account)
DEMO_PASSPHRASE = "demo-workstation"  # unlocks the demo store where no keyring exists
DEMO_PHONE = "demo-phone.txt"  # what the demo's customers receive (README: the demo)


@dataclass
class DemoSetup:
    """What provisioning produced: the store to work on and, when the backend path
    worked, the running server and the signed-in sync engine."""

    store: Store
    storage: str
    user: str
    how: str  # "synced" | "generated" | "existing"
    server: EmbeddedServer | None = None
    engine: SyncEngine | None = None
    profile: LocalProfile | None = None
    problem: BaseException | None = None  # why the demo runs on local data only


def _portfolio(accounts: int) -> Any:
    from workstation.demo.generator import generate_portfolio

    return generate_portfolio(accounts, seed=1)


def _via_backend(accounts: int, role: Role, opened: dict[str, Any]) -> DemoSetup:
    """Embedded backend on a free loopback port, seeded once, sign in, first sync."""
    from workstation import paths
    from workstation.auth.handover import hand_over
    from workstation.auth.profile import LocalProfile, PassphraseRequiredError
    from workstation.server.db import make_engine, make_sessionmaker
    from workstation.server.embedded import start_embedded
    from workstation.server.seed import seed
    from workstation.server.settings import default_db_url
    from workstation.sync import ApiSession, SyncEngine

    # the demo's users share a published password: argon2's cheap profile (for every user,
    # and for the stand-in hash of unknown names) keeps seeding and sign-in quick
    os.environ.setdefault("WORKSTATION_SERVER_PASSWORD_HASH", "fast")
    # the customers' phones and mailboxes of the demo: the log transports write each SMS and
    # e-mail there (portal links and one-time codes included) and never into a log
    os.environ.setdefault("WORKSTATION_DEMO_PHONE", str(paths.server_data_dir() / DEMO_PHONE))
    db_url = default_db_url()
    marker = paths.server_data_dir() / "demo-seeded"
    server = start_embedded(db_url)
    try:
        if not marker.exists():
            engine = make_engine(db_url)
            try:
                sessions = make_sessionmaker(engine)
                seed(sessions, accounts=accounts)
                # the weekly QA sample of the seeded weeks, as a running server's maintenance
                # takes it: the lead's Quality tab has conversations to review
                from workstation.server.quality.sampling import run_weekly_sampling

                run_weekly_sampling(sessions, datetime.now(UTC).date())
                returned_ref = _demo_returned_account(sessions)
            finally:
                engine.dispose()
            _demo_review(server.url)
            if returned_ref is not None:
                _demo_returned_payment(server.url, *returned_ref)
            marker.write_text(str(accounts))
        try:
            profile = LocalProfile.open()
        except PassphraseRequiredError:
            profile = LocalProfile.open(passphrase=DEMO_PASSPHRASE)
        opened["profile"] = profile  # the fallback must reuse it (its store may be encrypted)
        user = DEMO_USERS.get(role, "li.na")
        # another role's demo ran here before: the computer changes hands (as a shared desk
        # does between shifts) once that user's work is on the server; refused otherwise,
        # and the fallback opens their local data with the reason
        profile = hand_over(profile, user, passphrase=DEMO_PASSPHRASE)
        opened["profile"] = profile
        api = ApiSession(server.url, profile.device_id, secrets=profile.secrets)
        api.sign_in(user, DEMO_PASSWORD)
        profile.remember(
            server_url=server.url,
            username=user,
            display_name=api.user.display_name if api.user is not None else "",
        )
        sync = SyncEngine.for_profile(profile, api)
        sync.sync()
    except BaseException:
        server.stop()
        raise
    storage = "sqlite-encrypted" if profile.store.encrypted else "sqlite"
    return DemoSetup(
        profile.store, storage, user, "synced", server=server, engine=sync, profile=profile
    )


def _demo_review(url: str) -> None:
    """The lead has reviewed one of the demo agent's sampled calls (through the API, as the
    console does), so the desk's 'My quality reviews' has one to read."""
    from workstation.quality.client import QualityClient
    from workstation.quality.rubric import default_rubric
    from workstation.sync import ApiSession

    api = ApiSession(url, "demo-seed-lead")
    try:
        api.sign_in(DEMO_USERS[Role.LEAD], DEMO_PASSWORD)
        client = QualityClient(api)
        name = DEMO_USERS[Role.AGENT].replace(".", " ")  # "li na" in "李娜 Li Na"
        sample = next((s for s in client.samples() if name in s.agent_name.casefold()), None)
        if sample is None:
            return
        answers = {item.id: "met" for item in default_rubric().items}
        answers["empathy"] = "not_met"
        client.score(
            sample.id,
            answers,
            comment="Clear and correct. Let the customer finish before you answer.",
            item_notes={"empathy": "talked over the customer twice"},
        )
    except Exception:  # the demo goes on without it; the log says why
        log.warning("demo review not recorded", exc_info=True)
    finally:
        api.close()


def _demo_returned_account(sessions: Any) -> tuple[str, str, int] | None:
    """The demo agent's account whose direct debit will bounce: open, with money past due
    (account_ref, currency, past due in minor units)."""
    from sqlalchemy import select

    from workstation.server.models import AccountRow, User

    with sessions() as session:
        row = session.execute(
            select(AccountRow.account_ref, AccountRow.currency, AccountRow.past_due_minor)
            .join(User, User.id == AccountRow.owner_id)
            .where(
                User.username == DEMO_USERS[Role.AGENT],
                AccountRow.status == "open",
                AccountRow.past_due_minor > 0,
                AccountRow.account_ref.is_not(None),
            )
            .order_by(AccountRow.account_ref)
            .limit(1)
        ).first()
    if row is None or row.account_ref is None:
        return None
    return str(row.account_ref), str(row.currency), int(row.past_due_minor)


def _demo_returned_payment(url: str, account_ref: str, currency: str, past_due: int) -> None:
    """A direct debit that paid the demo agent's customer's arrears four days ago came back
    from the bank yesterday (both through the payment API, as a processor posts them): the
    lead's review list has it, and the desk's timeline strikes the payment out."""
    from datetime import timedelta

    from workstation.domain.money import Money
    from workstation.sync import ApiSession

    today = datetime.now(UTC).date()
    api = ApiSession(url, "demo-seed-bank")
    try:
        api.sign_in("bank.feed", DEMO_PASSWORD)
        ref = "DEMO-DD-000001"
        api.call("POST", "/api/v1/payments", body={
            "payment_ref": ref, "account_ref": account_ref,
            "amount": Money.from_minor(past_due, currency).wire(), "currency": currency,
            "paid_on": (today - timedelta(days=4)).isoformat(), "method": "direct_debit",
        }, idempotency_key=f"{ref}-paid")  # fmt: skip
        api.call("POST", f"/api/v1/payments/{ref}/return", body={
            "returned_on": (today - timedelta(days=1)).isoformat(),
            "reason": "insufficient_funds",
        }, idempotency_key=f"{ref}-returned")  # fmt: skip
    except Exception:  # the demo goes on without it; the log says why
        log.warning("demo returned payment not recorded", exc_info=True)
    finally:
        api.close()


def provision_demo_data(accounts: int, role: Role) -> DemoSetup:
    """Get a store ready for the demo — THE one place that knows how.

    First choice: start the embedded backend, seed it the first time, sign in as the role's
    demo user and run a first sync (so the window works against a real server). If that
    cannot run here, fall back to filling a local store straight from the generator, and
    say why (the status bar shows it).
    """
    opened: dict[str, Any] = {}
    try:
        return _via_backend(accounts, role, opened)
    except Exception as exc:  # the demo must still open; the reason is shown and logged
        log.warning("demo backend unavailable, using local data only: %s", exc, exc_info=True)
        problem = exc
    profile = opened.get("profile")
    if profile is not None:
        store = profile.store
        storage = "sqlite-encrypted" if store.encrypted else "sqlite"
    else:
        from ui.context import open_store

        store, storage = open_store()
    how = "existing"
    if store.is_empty():
        store.bulk_load(_portfolio(accounts))
        how = "generated"
    # the data is the profile's user's (another role's demo ran here, and the hand-over was
    # refused while that user's work waits): the window names them, not the role's user
    held = profile.info.username if profile is not None else ""
    user = held or DEMO_USERS.get(role, "li.na")
    return DemoSetup(store, storage, user, how, profile=profile, problem=problem)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="workstation demo", description="Open the workstation on demo data."
    )
    parser.add_argument(
        "--role", choices=[r.value for r in (Role.AGENT, Role.FIELD, Role.LEAD)], default="agent"
    )
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument(
        "--screenshot", type=Path, metavar="DIR", help="render PNGs to DIR and exit"
    )
    parser.add_argument(
        "--portal-screenshots",
        type=Path,
        metavar="DIR",
        help="render the customer's portal pages (phone and desktop, English and Chinese) "
        "to DIR and exit (needs chromium and chromium-driver)",
    )
    parser.add_argument(
        "--language", choices=["en", "zh_CN"], help="override the settings for this run"
    )
    parser.add_argument(
        "--theme", choices=["light", "dark"], help="override the settings for this run"
    )
    return parser.parse_args(argv)


def run(argv: list[str]) -> int:
    args = parse(argv)
    if args.portal_screenshots:
        from workstation.demo.portal_screenshots import render

        written = render(args.portal_screenshots)
        print(f"{len(written)} portal screenshots in {args.portal_screenshots}")
        return 0 if written else 1
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui import app as app_mod

    app = app_mod.ensure_app()
    app_mod.configure_logging()
    role = Role(args.role)
    setup = provision_demo_data(args.accounts, role)
    ctx = app_mod.make_context(role=role, store=setup.store, user=setup.user)
    ctx.storage = setup.storage
    if setup.profile is not None:
        ctx.profile = setup.profile
    if setup.engine is not None and setup.server is not None:
        ctx.attach_engine(setup.engine)
        # this run's loopback server (not saved: its port changes every start)
        ctx.settings.server_url = setup.server.url
        ctx.settings.last_user = setup.user
    language = args.language or ctx.settings.language
    theme_name = args.theme or ctx.settings.theme
    app_mod.prepare(app, language, theme_name)
    from ui.main_window import MainWindow
    from ui.training import open_training

    window = MainWindow(ctx, training=open_training)
    if setup.problem is not None:  # in the window's language, now that it is set
        from ui.errors import describe
        from ui.i18n import tr

        window.statusBar().showMessage(
            tr("Local data only: %1").replace("%1", describe(setup.problem)), 30000
        )
    if args.screenshot:
        from ui.screenshots import render_all

        failures = render_all(app, window, args.screenshot)
        ctx.runner.shutdown()
        if setup.server is not None:
            setup.server.stop()
        return 1 if failures else 0
    window.show()
    app_mod.set_heap_aside()  # before start(): no worker is busy while it collects
    window.start()
    try:
        return app.exec()
    finally:
        if setup.server is not None:
            setup.server.stop()


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    code = run(list(sys.argv[1:] if argv is None else argv))
    log.info("demo finished in %.1f s", time.perf_counter() - started)
    return code
