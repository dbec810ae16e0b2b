"""``workstation-server``: serve, init-db, seed, create-user, train-scorecard, rescore, prune."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from workstation.server.db import default_db_url, make_engine, make_sessionmaker, upgrade

if TYPE_CHECKING:
    from workstation.server.scoring import RescoreReport


def _db(args: argparse.Namespace) -> str:
    url: str = args.db or os.environ.get("WORKSTATION_SERVER_DB") or default_db_url()
    return url


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}" if ":" in creds else url
    return url


def cmd_init_db(args: argparse.Namespace) -> int:
    url = _db(args)
    head = upgrade(url)
    print(f"database {_safe(url)} is at schema revision {head}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    url = _db(args)
    print(f"applying migrations to {_safe(url)} …", flush=True)
    head = upgrade(url)
    print(f"schema at revision {head}; serving on {args.host}:{args.port}", flush=True)
    os.environ["WORKSTATION_SERVER_DB"] = url
    from workstation.server.retention import KEEP_DAYS_ENV, PRUNE_INTERVAL_ENV

    if args.keep_days is not None:
        if args.keep_days < 1:
            print("--keep-days must be at least 1", file=sys.stderr)
            return 2
        os.environ[KEEP_DAYS_ENV] = str(args.keep_days)
    os.environ[PRUNE_INTERVAL_ENV] = str(args.prune_every_hours)
    ssl = {}
    if args.certfile or args.keyfile:
        if not (args.certfile and args.keyfile):
            print("--certfile and --keyfile go together", file=sys.stderr)
            return 2
        ssl = {"ssl_certfile": args.certfile, "ssl_keyfile": args.keyfile}
    uvicorn.run(
        "workstation.server.retention:app_from_env",  # the app plus scheduled pruning
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        proxy_headers=args.proxy_headers,
        forwarded_allow_ips=args.forwarded_allow_ips,
        access_log=args.access_log,
        **ssl,
    )
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    import time

    from workstation.server.seed import seed

    url = _db(args)
    upgrade(url)
    engine = make_engine(url, pool_size=2)
    started = time.perf_counter()
    report = seed(
        make_sessionmaker(engine),
        accounts=args.accounts,
        teams=args.teams,
        agents=args.agents,
        seed=args.seed,
        password=args.password,
        with_history=not args.no_history,
    )
    engine.dispose()
    took = time.perf_counter() - started
    print(
        f"seeded {report.accounts} accounts, {report.customers} customers, {report.events} events "
        f"in {took:.1f} s into {_safe(url)}"
    )
    if report.scoring is not None:
        print(_rescored(report.scoring))
    print(f"users (password {args.password!r}):")
    for user in report.users:
        print(f"  {user.username:<24} {user.role:<6} {user.team or ''}")
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from workstation.domain.enums import Role
    from workstation.domain.model import new_id, utcnow
    from workstation.server.models import Team, User
    from workstation.server.security import hash_password

    url = _db(args)
    upgrade(url)
    password = args.password
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    if not password:
        password = getpass.getpass(f"password for {args.username}: ")
    if len(password) < 8 and args.role == Role.ADMIN.value:
        print("an admin password needs at least 8 characters", file=sys.stderr)
        return 2
    engine = make_engine(url, pool_size=1)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        if session.scalar(select(User.id).where(User.username == args.username)):
            print(f"user {args.username} exists", file=sys.stderr)
            return 1
        team_id = None
        if args.team:
            team = session.scalar(select(Team).where(Team.name == args.team))
            if team is None:
                team = Team(id=new_id(), name=args.team, created_at=utcnow())
                session.add(team)
            team_id = team.id
        session.add(
            User(
                id=new_id(),
                username=args.username,
                display_name=args.display_name,
                role=args.role,
                team_id=team_id,
                password_hash=hash_password(password),
                active=True,
                created_at=utcnow(),
            )
        )
    engine.dispose()
    print(f"created {args.role} {args.username}" + (f" in team {args.team}" if args.team else ""))
    return 0


def cmd_train_scorecard(args: argparse.Namespace) -> int:
    from workstation.server.training import train_scorecard

    url = _db(args)
    upgrade(url)
    engine = make_engine(url, pool_size=1)
    try:
        report = train_scorecard(make_sessionmaker(engine), holdout=args.holdout, seed=args.seed)
    finally:
        engine.dispose()
    print(
        f"scorecard version {report.version}: trained on {report.trained_on} accounts, "
        f"AUC on {report.held_out} held-out accounts = {report.auc:.3f}"
    )
    if report.rescore is not None:
        print(_rescored(report.rescore))
    return 0


def _rescored(report: RescoreReport) -> str:
    moved = f" ({report.skipped} changed meanwhile, left for next time)" if report.skipped else ""
    return (
        f"scored {report.scored} open accounts with scorecard {report.scorecard_version}: "
        f"{report.changed} changed{moved} in {report.seconds:.1f} s"
    )


def cmd_rescore(args: argparse.Namespace) -> int:
    from workstation.server.scoring import rescore

    if args.batch_size < 1:
        print("--batch-size must be at least 1", file=sys.stderr)
        return 2
    url = _db(args)
    upgrade(url)
    engine = make_engine(url, pool_size=2)
    try:
        report = rescore(make_sessionmaker(engine), batch_size=args.batch_size)
    finally:
        engine.dispose()
    print(_rescored(report))
    return 0


def cmd_prune(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from workstation.domain.model import utcnow
    from workstation.server.retention import prune

    if args.keep_days < 1:
        print("--keep-days must be at least 1", file=sys.stderr)
        return 2
    url = _db(args)
    upgrade(url)
    engine = make_engine(url, pool_size=1)
    try:
        with make_sessionmaker(engine).begin() as session:
            report = prune(session, timedelta(days=args.keep_days), utcnow())
    finally:
        engine.dispose()
    print(
        f"pruned {report.removed} tombstones older than {args.keep_days} days; "
        f"cursors below {report.retained_from} now get 'resync required'"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workstation-server", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", help="database URL (default: SQLite in the data directory)")
        return p

    serve = with_db(sub.add_parser("serve", help="run the API server (applies migrations first)"))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--certfile", help="TLS certificate (PEM); serve HTTPS")
    serve.add_argument("--keyfile", help="TLS private key (PEM)")
    serve.add_argument(
        "--proxy-headers",
        action="store_true",
        help="trust X-Forwarded-* from --forwarded-allow-ips (behind a proxy)",
    )
    serve.add_argument("--forwarded-allow-ips", default="127.0.0.1")
    serve.add_argument("--log-level", default="info")
    serve.add_argument("--access-log", action="store_true")
    serve.add_argument(
        "--prune-every-hours",
        type=float,
        default=24.0,
        help="prune old change history at start and then this often (0: never)",
    )
    serve.add_argument(
        "--keep-days",
        type=int,
        default=None,
        help="days of change history to keep and announce (default 90)",
    )
    serve.set_defaults(func=cmd_serve)

    init = with_db(sub.add_parser("init-db", help="create or upgrade the schema"))
    init.set_defaults(func=cmd_init_db)

    seed = with_db(sub.add_parser("seed", help="create a demo organisation and portfolio"))
    seed.add_argument("--accounts", type=int, default=2000)
    seed.add_argument("--teams", type=int, default=3)
    seed.add_argument("--agents", type=int, default=3, help="desk agents per team")
    seed.add_argument("--seed", type=int, default=1)
    seed.add_argument("--password", default="demo")
    seed.add_argument("--no-history", action="store_true")
    seed.set_defaults(func=cmd_seed)

    user = with_db(sub.add_parser("create-user", help="add a user"))
    user.add_argument("username")
    user.add_argument("--role", choices=["agent", "field", "lead", "admin"], required=True)
    user.add_argument("--team", help="team name (created if missing)")
    user.add_argument("--display-name", default="")
    user.add_argument("--password", help="(prefer --password-stdin or the prompt)")
    user.add_argument("--password-stdin", action="store_true")
    user.set_defaults(func=cmd_create_user)

    train = with_db(sub.add_parser("train-scorecard", help="refit the propensity scorecard"))
    train.add_argument("--holdout", type=float, default=0.3, help="share of accounts held out")
    train.add_argument("--seed", type=int, default=1)
    train.set_defaults(func=cmd_train_scorecard)

    rescore = with_db(
        sub.add_parser(
            "rescore",
            help="recompute every open account's score, reasons and risk tier "
            "(only material changes reach devices)",
        )
    )
    rescore.add_argument("--batch-size", type=int, default=1000, help="accounts per batch")
    rescore.set_defaults(func=cmd_rescore)

    prune = with_db(sub.add_parser("prune", help="drop old tombstones (change-history retention)"))
    prune.add_argument("--keep-days", type=int, default=90, help="keep this many days of history")
    prune.set_defaults(func=cmd_prune)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
