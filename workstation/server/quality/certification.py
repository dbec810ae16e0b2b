"""Certification on the server: a trainee's practice for a rule pack, re-scored here, and who is
certified for which jurisdiction (issue 18).

``POST /api/v1/training/results`` takes every attempt's transcript and the quiz answers and
scores them with the core's own rules (``workstation.training.scoring``) — never with a
figure the desk sends. A passed submission certifies the caller for the pack until a year
later (``certified_until``); every submission is kept (``training_results``) with what failed.
A lead sees the team's certifications; reassigning an account to an agent not certified for
its jurisdiction answers with a warning, and is done only with a reason (``lead._finish``
asks ``uncertified_moves``).

The seeded demo organisation's collectors are certified for the jurisdictions they work
(``certify_staff``), except the demo's new collector of SCENARIOS 14 (``NEW_COLLECTORS``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.compliance import default_policy
from workstation.domain.enums import Role
from workstation.domain.model import new_id
from workstation.server.deps import PrincipalDep, StateDep, audit, utcnow
from workstation.server.errors import ERROR_RESPONSES, ApiError
from workstation.server.models import AccountRow, CustomerRow
from workstation.server.quality.models import TrainingResult
from workstation.training.data import training_pack
from workstation.training.errors import TrainingDataError
from workstation.training.scoring import (
    CERTIFICATE_DAYS,
    TranscriptError,
    assess,
    transcripts_from_wire,
)

NEW_COLLECTORS = frozenset({"liu.yang"})  # the demo's collector in his first week


def pack_of(jurisdiction: str) -> str | None:
    """The rule pack serving a customer's jurisdiction (a pack id or a listed code)."""
    key = jurisdiction.casefold()
    for pack in default_policy().packs.values():
        if key in {pack.id.casefold(), *(j.casefold() for j in pack.jurisdictions)}:
            return pack.id
    return None


def certified_packs(session: Session, user_ids: Iterable[str], today: date) -> dict[str, set[str]]:
    """Each user's packs with a certificate valid on ``today``."""
    ids = list(user_ids)
    out: dict[str, set[str]] = {uid: set() for uid in ids}
    if not ids:
        return out
    for user_id, pack in session.execute(
        select(TrainingResult.user_id, TrainingResult.pack).where(
            TrainingResult.user_id.in_(ids),
            TrainingResult.passed.is_(True),
            TrainingResult.certified_until >= today,
        )
    ):
        out[user_id].add(pack)
    return out


def uncertified_moves(
    session: Session, moves: Iterable[tuple[str, str]], today: date
) -> list[dict[str, str]]:
    """Of (account id, to user id) moves, those whose account's pack the receiver is not
    certified for: ``{account_id, to_user_id, pack}``."""
    wanted = list(moves)
    if not wanted:
        return []
    accounts = [a for a, _ in wanted]
    jurisdiction: dict[str, str] = {}
    for start in range(0, len(accounts), 1000):
        for account_id, code in session.execute(
            select(AccountRow.id, CustomerRow.jurisdiction)
            .join(CustomerRow, CustomerRow.id == AccountRow.customer_id)
            .where(AccountRow.id.in_(accounts[start : start + 1000]))
        ):
            jurisdiction[account_id] = code
    certified = certified_packs(session, {u for _, u in wanted}, today)
    out = []
    for account_id, user_id in wanted:
        pack = pack_of(jurisdiction.get(account_id, ""))
        if pack is not None and pack not in certified.get(user_id, set()):
            out.append({"account_id": account_id, "to_user_id": user_id, "pack": pack})
    return out


def certify_staff(
    session: Session, packs_by_user: Mapping[str, Iterable[str]], now: datetime
) -> int:
    """Seed: certify existing collectors for the packs they work, unless they have a result."""
    have = {(u, p) for u, p in session.execute(select(TrainingResult.user_id, TrainingResult.pack))}
    count = 0
    for user_id, packs in packs_by_user.items():
        for pack in sorted(set(packs)):
            if (user_id, pack) in have:
                continue
            session.add(
                TrainingResult(
                    id=new_id(),
                    user_id=user_id,
                    pack=pack,
                    submitted_at=now,
                    scenario_score_tenths=1000,
                    quiz_score_tenths=1000,
                    score_tenths=1000,
                    passed=True,
                    certified_until=now.date() + timedelta(days=CERTIFICATE_DAYS),
                    detail={"seeded": True},
                )
            )
            count += 1
    return count


# --- the API ------------------------------------------------------------------------------------

router = APIRouter(prefix="/api/v1/training", tags=["training"], responses=ERROR_RESPONSES)
Name = Annotated[str, Field(min_length=1, max_length=64)]


class RecordedIn(BaseModel):
    type: Name
    payload: Annotated[dict[str, Any], Field(max_length=60)] = Field(default_factory=dict)


class AttemptIn(BaseModel):
    scenario_id: Name
    path: Annotated[list[tuple[Name, Annotated[int, Field(ge=0, le=50)]]], Field(max_length=50)]
    events: Annotated[list[RecordedIn], Field(max_length=50)] = Field(default_factory=list)


class ResultIn(BaseModel):
    pack: Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z0-9-]+$")]
    attempts: Annotated[list[AttemptIn], Field(max_length=200)]
    quiz: Annotated[dict[Name, Annotated[int, Field(ge=0, le=50)]], Field(max_length=100)]


class ScenarioOut(BaseModel):
    id: str
    attempts: int
    passed: bool
    score: str
    failed_checks: list[list[str]]


class ResultOut(BaseModel):
    id: str
    pack: str
    submitted_at: str
    passed: bool
    score: str
    scenario_score: str
    quiz_score: str
    certified_until: str | None
    scenarios: list[ScenarioOut]
    missing: list[str]


class CertificationOut(BaseModel):
    pack: str
    certified_at: str | None
    certified_until: str | None
    score: str | None
    valid: bool
    last_attempt_at: str | None
    last_attempt_passed: bool | None


class MemberCertifications(BaseModel):
    user_id: str
    username: str
    display_name: str
    certifications: list[CertificationOut]


def _percent(tenths: int) -> str:
    return f"{tenths // 10}.{tenths % 10}"


@router.post("/results", response_model=ResultOut, status_code=201)
def submit(body: ResultIn, principal: PrincipalDep, state: StateDep) -> Any:
    """A collector's (or lead's) practice for one pack: re-scored here; certifies when passed."""
    if principal.role not in (Role.AGENT, Role.FIELD, Role.LEAD):
        raise ApiError(403, "forbidden", "training is for collectors and leads")
    try:
        pack = training_pack(body.pack)
        attempts = transcripts_from_wire(a.model_dump() for a in body.attempts)
        now = utcnow()
        assessment = assess(pack, attempts, dict(body.quiz), now.date())
    except (TrainingDataError, TranscriptError) as exc:
        raise ApiError(422, "invalid_request", exc.message_en) from None
    detail = assessment.detail()
    with state.sessions.begin() as session:
        row = TrainingResult(
            id=new_id(),
            user_id=principal.user_id,
            pack=pack.pack,
            submitted_at=now,
            scenario_score_tenths=assessment.scenario_score_tenths,
            quiz_score_tenths=assessment.quiz.score_tenths,
            score_tenths=assessment.score_tenths,
            passed=assessment.passed,
            certified_until=assessment.certified_until,
            detail=detail,
        )
        session.add(row)
        audit(
            session,
            principal,
            "training.result",
            "training_result",
            row.id,
            {"pack": pack.pack, "passed": assessment.passed, "score_tenths": row.score_tenths},
        )
    return {
        "id": row.id,
        "pack": row.pack,
        "submitted_at": now.isoformat(),
        "passed": row.passed,
        "score": _percent(row.score_tenths),
        "scenario_score": _percent(row.scenario_score_tenths),
        "quiz_score": _percent(row.quiz_score_tenths),
        "certified_until": row.certified_until.isoformat() if row.certified_until else None,
        "scenarios": [
            {
                "id": s["id"],
                "attempts": s["attempts"],
                "passed": s["passed"],
                "score": _percent(s["score_tenths"]),
                "failed_checks": s["failed_checks"],
            }
            for s in detail["scenarios"]
        ],
        "missing": detail["missing"],
    }


def certifications(
    session: Session, user_ids: list[str], today: date
) -> dict[str, list[dict[str, Any]]]:
    """Per user, per pack: the latest passed result (the certificate) and the latest attempt."""
    latest_pass: dict[tuple[str, str], TrainingResult] = {}
    latest: dict[tuple[str, str], TrainingResult] = {}
    if user_ids:
        for row in session.scalars(
            select(TrainingResult)
            .where(TrainingResult.user_id.in_(user_ids))
            .order_by(TrainingResult.submitted_at)
        ):
            key = (row.user_id, row.pack)
            latest[key] = row
            if row.passed:
                latest_pass[key] = row
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (user_id, pack), last in sorted(latest.items()):
        cert = latest_pass.get((user_id, pack))
        out[user_id].append(
            {
                "pack": pack,
                "certified_at": cert.submitted_at.isoformat() if cert else None,
                "certified_until": cert.certified_until.isoformat()
                if cert and cert.certified_until
                else None,
                "score": _percent(cert.score_tenths) if cert else None,
                "valid": bool(cert and cert.certified_until and cert.certified_until >= today),
                "last_attempt_at": last.submitted_at.isoformat(),
                "last_attempt_passed": last.passed,
            }
        )
    return out


@router.get("/certifications/mine", response_model=list[CertificationOut])
def mine(principal: PrincipalDep, state: StateDep) -> Any:
    """The caller's certificates (valid or expired) and latest attempts, per pack."""
    with state.sessions() as session:
        return certifications(session, [principal.user_id], utcnow().date()).get(
            principal.user_id, []
        )


@router.get("/team", response_model=list[MemberCertifications])
def team(principal: PrincipalDep, state: StateDep) -> Any:
    """Lead: who in the team is certified for which pack, until when."""
    if principal.role != Role.LEAD or not principal.team_id:
        raise ApiError(403, "forbidden", "the team's certifications are for its lead")
    from workstation.server.teams import team_members

    with state.sessions() as session:
        members = team_members(session, principal.team_id)
        found = certifications(session, [m.id for m in members], utcnow().date())
        return [
            {
                "user_id": m.id,
                "username": m.username,
                "display_name": m.display_name,
                "certifications": found.get(m.id, []),
            }
            for m in members
        ]
