"""``workstation-server``: serve, init-db, seed, create-user, train-scorecard, rescore, prune,
daily, retention, export-customer, legal-hold, import (payments, placements), recall,
team-rule, qa-sample."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from workstation.domain.enums import Role
from workstation.server.db import make_engine, make_sessionmaker, upgrade
from workstation.server.settings import cli_db_url

if TYPE_CHECKING:
    from workstation.server.scoring import RescoreReport


def _db(args: argparse.Namespace) -> str:
    return cli_db_url(args.db)


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
    import logging
    import logging.config

    import uvicorn

    from workstation.server.observe.logs import logging_config

    log_config = logging_config(args.log_level, json_lines=args.log_format == "json")
    # the access log is ours (route templates, never raw paths with their tokens)
    log_config["loggers"]["workstation.access"] = {
        "level": "INFO" if args.access_log else "WARNING"
    }
    logging.config.dictConfig(log_config)  # from the first line on, as the server will log
    log = logging.getLogger("workstation.server")
    url = _db(args)
    log.info("applying migrations to %s", _safe(url))
    head = upgrade(url)
    log.info("schema at revision %s; serving on %s:%s", head, args.host, args.port)
    os.environ["WORKSTATION_SERVER_DB"] = url
    from workstation.server.maintenance import KEEP_DAYS_ENV, PRUNE_INTERVAL_ENV

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
    from workstation.server.connections import HEADER_TIMEOUT_ENV, uvicorn_options

    if args.header_timeout is not None:  # the environment carries it to every worker
        os.environ[HEADER_TIMEOUT_ENV] = str(args.header_timeout)
    uvicorn.run(
        "workstation.server.app:app_from_env",  # the app plus scheduled maintenance
        factory=True,
        log_config=log_config,
        **uvicorn_options(),  # slow request heads are timed out
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        proxy_headers=args.proxy_headers,
        forwarded_allow_ips=args.forwarded_allow_ips,
        access_log=False,
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


def cmd_train_models(args: argparse.Namespace) -> int:
    from workstation.server.segmentation.training import TrainingError, train_models

    url = _db(args)
    upgrade(url)
    engine = make_engine(url, pool_size=2)
    try:
        report = train_models(make_sessionmaker(engine), horizon_days=args.horizon_days)
    except TrainingError as exc:
        print(f"train-models: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(
        f"trained on outcomes after {report.training_cut:%Y-%m-%d}, judged on outcomes after "
        f"{report.validation_cut:%Y-%m-%d} ({args.horizon_days}-day horizon)"
    )
    for line in report.lines:
        print(line)
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


def cmd_daily(args: argparse.Namespace) -> int:
    import json
    from datetime import UTC, date, datetime, timedelta

    from workstation.server.lifecycle.daily import DailyError, run_daily

    if args.as_of:
        try:
            as_of = date.fromisoformat(args.as_of)
        except ValueError:
            print(f"--as-of must be a date YYYY-MM-DD, not {args.as_of!r}", file=sys.stderr)
            return 2
    else:
        as_of = datetime.now(UTC).date() - timedelta(days=1)
    url = _db(args)
    upgrade(url)
    engine = make_engine(url, pool_size=2)
    try:
        report = run_daily(make_sessionmaker(engine), as_of)
    except DailyError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    elif report.already:
        print(f"{as_of} was already processed: nothing to do")
    else:
        for day in report.processed:
            done = ", ".join(f"{k} {v}" for k, v in sorted(day.counts.items())) or "no changes"
            print(f"{day.day}: {done} ({day.versions} versions, {day.seconds:.1f} s)")
        if report.retention is not None:
            kept = report.retention
            print(
                f"retention: {len(kept.anonymised)} customers anonymised, "
                f"{len(kept.held)} under a legal hold, {kept.documents_removed} documents removed"
            )
        if report.busy:
            print("another process is running the daily run; it will process the rest")
    return 3 if report.busy else 0


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
    serve.add_argument(
        "--log-format",
        choices=["json", "text"],
        default="json",
        help="one JSON object a line (default), or plain text",
    )
    serve.add_argument(
        "--header-timeout",
        type=float,
        default=None,
        help="seconds a connection may take to send a request's line and headers "
        "(default 10, or WORKSTATION_SERVER_HEADER_TIMEOUT)",
    )
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
    user.add_argument("--role", choices=[r.value for r in Role], required=True)
    user.add_argument("--team", help="team name (created if missing)")
    user.add_argument("--display-name", default="")
    user.add_argument("--password", help="(prefer --password-stdin or the prompt)")
    user.add_argument("--password-stdin", action="store_true")
    user.set_defaults(func=cmd_create_user)

    train = with_db(sub.add_parser("train-scorecard", help="refit the propensity scorecard"))
    train.add_argument("--holdout", type=float, default=0.3, help="share of accounts held out")
    train.add_argument("--seed", type=int, default=1)
    train.set_defaults(func=cmd_train_scorecard)

    models = with_db(
        sub.add_parser(
            "train-models",
            help="train the ability and willingness models; promote those not worse than "
            "the ones in use, and rescore",
        )
    )
    models.add_argument(
        "--horizon-days", type=int, default=30, help="outcome window after each cut (days)"
    )
    models.set_defaults(func=cmd_train_models)

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
    daily = with_db(
        sub.add_parser(
            "daily",
            help="let time pass: age accounts, decide promises and plan instalments, end "
            "holds, produce paid-in-full letters (each missing day in order, once)",
        )
    )
    daily.add_argument(
        "--as-of", help="process up to this day, YYYY-MM-DD (default: yesterday, UTC)"
    )
    daily.add_argument("--json", action="store_true", help="print the report as JSON")
    daily.set_defaults(func=cmd_daily)

    from workstation.server.privacy.cli import add_commands as privacy_commands

    privacy_commands(sub, with_db)  # retention, export-customer, legal-hold

    from workstation.server.lifecycle import cli as lifecycle_cli

    lifecycle_cli.register(sub, with_db, _db)
    from workstation.server.quality.cli import add_parser as add_quality

    add_quality(sub, with_db, _db)
    from workstation.server.strategy.cli import register as add_simulate

    add_simulate(sub)
    from workstation.server.segmentation.cli import register as add_segmentation

    add_segmentation(sub, with_db, _db)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
