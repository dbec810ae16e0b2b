"""The complaints workflow on the server (``workstation.workflows.complaints`` is its table).

- ``receive``: the one intake function for every channel that is not a device's push — the
  lead's console, an inbound SMS or e-mail (``complaint_from_reply``: a reply naming a
  complaint keyword), the customer's portal: it writes the intake ``complaint`` event and
  registers it;
- ``register``: what the backend does with a new complaint (a device's pushed intake too):
  the reference ``CP-YYYY-NNNNNN`` (a counter per year of receipt, ``next_reference``), the
  owner (the team's lead, never the agent complained about), the pack's deadlines in the
  customer's calendar, a ``complaints`` row and the ``register`` step's event;
- ``take_step``: a person's step (assign, acknowledge, investigate, extend, resolve, close),
  checked against the table and the pack, written as one event (and its letter), audited.

Nothing here commits: the caller's transaction holds the whole step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from workstation.contract import ContractError, decode
from workstation.contract.events import ComplaintPayload
from workstation.documents.complaint_letters import (
    ComplaintAcknowledgementDetails,
    ComplaintFinalResponseDetails,
)
from workstation.documents.letters import LetterKind as DocumentKind
from workstation.domain.enums import Channel, ComplaintOutcome, EventType, Role
from workstation.domain.money import Money, MoneyError
from workstation.messages.replies import mentions_complaint
from workstation.server.complaints.models import ComplaintRow, ComplaintSequence
from workstation.server.deps import Principal, audit
from workstation.server.errors import ApiError, not_found
from workstation.server.models import AccountRow, CustomerRow, EventRow, User
from workstation.server.workflows import letters
from workstation.server.workflows.adjust import adjust
from workstation.server.workflows.events import Author, Sink
from workstation.text import Text
from workstation.workflows import complaints as table
from workstation.workflows.complaints import (
    OUTCOME_LABELS,
    Actor,
    ComplaintInputError,
    ComplaintStepError,
    State,
    Step,
    StepInput,
    category_label,
)
from workstation.workflows.deadlines import (
    DeadlineError,
    complaint_deadlines,
    complaint_rules,
    extended,
    local_day,
    next_extension,
    pack_for_jurisdiction,
)
from workstation.workflows.references import complaint_reference
from workstation.workflows.root_causes import root_cause_label

# how a complaint reached us, besides a device's contact channels
CONSOLE = "console"
PORTAL = "portal"


def next_reference(session: Session, year: int) -> str:
    """The next reference of ``year``: the counter row is bumped under its row lock (an
    ``UPDATE … RETURNING``), so concurrent intakes on any server process wait for each
    other and never share a number."""
    bump = (
        update(ComplaintSequence)
        .where(ComplaintSequence.year == year)
        .values(last=ComplaintSequence.last + 1)
        .returning(ComplaintSequence.last)
        # no session holds counter rows as objects: nothing to bring up to date
        .execution_options(synchronize_session=False)
    )
    number = session.execute(bump).scalar()
    if number is None:
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.execute(
            insert(ComplaintSequence).values(year=year, last=0).on_conflict_do_nothing()
        )
        number = session.execute(bump).scalar_one()
    return complaint_reference(year, int(number))


def team_leads(session: Session, team_id: str | None) -> list[User]:
    if team_id is None:
        return []
    return list(
        session.scalars(
            select(User)
            .where(User.team_id == team_id, User.role == Role.LEAD.value, User.active.is_(True))
            .order_by(User.username)
        )
    )


def default_owner(
    session: Session,
    team_id: str | None,
    about_user_id: str | None,
    leads: Sequence[User] | None = None,
) -> str | None:
    """The team's lead — the first one by name who is not the agent complained about;
    ``leads``: the team's leads as ``team_leads`` lists them, when the caller has them."""
    for lead in team_leads(session, team_id) if leads is None else leads:
        if lead.id != about_user_id:
            return lead.id
    return None


# --- intake --------------------------------------------------------------------------------


def receive(
    session: Session,
    account: AccountRow,
    *,
    category: str,
    details: str,
    received_via: str,
    author: Author,
    at: datetime,
    about_user_id: str | None = None,
) -> ComplaintRow:
    """Intake from a channel that is not a device's push (the console, a message, the
    portal): the intake event, then its registration, in the caller's transaction."""
    payload: dict[str, Any] = {
        "category": category,
        "details": details,
        "status": State.OPEN.value,
        "received_via": received_via,
    }
    if about_user_id:
        payload["about_user_id"] = about_user_id
    try:  # the same limits as a device's intake
        decode(ComplaintPayload, payload)
    except ContractError as exc:
        raise ApiError(422, "invalid_request", f"the complaint: {exc}") from None
    sink = Sink(author, at)
    intake = sink(session, account, EventType.COMPLAINT, payload)
    return register(session, account, intake, sink)


def complaint_from_reply(
    session: Session, account_id: str, text: str, channel: Channel, at: datetime
) -> str | None:
    """An inbound SMS or e-mail that names a complaint ("投诉", "complaint") is taken in as
    one on the account it answered; its reference, else None."""
    if not mentions_complaint(text):
        return None
    account = session.get(AccountRow, account_id, with_for_update=True)
    if account is None:
        return None
    row = receive(
        session,
        account,
        category="other",
        details=text.strip()[:4000] or "(empty reply)",
        received_via=channel.value,
        author=Author("messaging"),
        at=at,
    )
    return row.reference


def register(
    session: Session,
    account: AccountRow,
    intake: EventRow,
    sink: Sink,
    *,
    leads: Sequence[User] | None = None,
) -> ComplaintRow:
    """Register a new complaint (its intake event just written): reference, owner,
    deadlines, the row and the ``register`` step's event. ``leads``: the account's team's
    leads (``team_leads``), for a caller registering many (else read here)."""
    customer = session.get(CustomerRow, account.customer_id)
    assert customer is not None
    payload = intake.payload
    received_on = local_day(intake.occurred_at, customer.timezone)
    pack = pack_for_jurisdiction(customer.jurisdiction)
    deadlines = complaint_deadlines(pack, received_on)
    about = str(payload.get("about_user_id") or "") or None
    owner = default_owner(session, account.team_id, about, leads)
    row = ComplaintRow(
        id=intake.id,
        reference=next_reference(session, received_on.year),
        account_id=account.id,
        customer_id=account.customer_id,
        team_id=account.team_id,
        # a device's intake is received; an older record may arrive already resolved
        status=table.state_of(str(payload.get("status") or "")).value,
        category=str(payload.get("category") or "other"),
        channel=str(payload.get("received_via") or "phone"),
        pack=pack.id if pack is not None else "",
        received_at=intake.occurred_at,
        received_on=received_on,
        received_by_id=intake.recorded_by_id,
        about_user_id=about,
        agent_id=about or account.owner_id,
        owner_id=owner,
        acknowledge_by=deadlines.acknowledge_by,
        summary_by=deadlines.summary_by,
        due_on=deadlines.final_by,
        extensions=0,
        currency=account.currency,
        overdue=[],
    )
    session.add(row)
    step: dict[str, Any] = {
        "reference": row.reference,
        "sla_due": row.due_on.isoformat(),
    }
    if owner:
        step["owner_id"] = owner
    if row.acknowledge_by:
        step["acknowledge_by"] = row.acknowledge_by.isoformat()
    if row.summary_by:
        step["summary_by"] = row.summary_by.isoformat()
    write_step(session, account, row, Step.REGISTER, sink=sink, fields=step)
    return row


def write_step(
    session: Session,
    account: AccountRow,
    row: ComplaintRow,
    step: Step,
    *,
    sink: Sink,
    fields: dict[str, Any],
) -> EventRow:
    payload = {
        "category": row.category,
        "complaint_id": row.id,
        "status": row.status,
        "step": step.value,
        "reference": row.reference,
        **fields,
    }
    return sink(session, account, EventType.COMPLAINT, payload)


# --- steps ---------------------------------------------------------------------------------


def actors_of(principal: Principal, row: ComplaintRow) -> frozenset[Actor]:
    actors: set[Actor] = set()
    if principal.role == Role.LEAD and principal.team_id and principal.team_id == row.team_id:
        actors.add(Actor.TEAM_LEAD)
    if row.owner_id and principal.user_id == row.owner_id:
        actors.add(Actor.OWNER)
    return frozenset(actors)


def visible(session: Session, principal: Principal, row: ComplaintRow) -> bool:
    """A lead sees the team's complaints, an owner theirs, a collector those on accounts of
    their portfolio."""
    if actors_of(principal, row):
        return True
    if principal.is_collector:
        account = session.get(AccountRow, row.account_id)
        return account is not None and account.owner_id == principal.user_id
    return False


def load(
    session: Session, principal: Principal, complaint_id: str, *, lock: bool = False
) -> ComplaintRow:
    row = session.get(ComplaintRow, complaint_id, with_for_update=lock)
    if row is None:
        found = session.scalar(select(ComplaintRow).where(ComplaintRow.reference == complaint_id))
        row = (
            found
            if found is None or not lock
            else session.get(ComplaintRow, found.id, with_for_update=True)
        )
    if row is None or not visible(session, principal, row):
        raise not_found("complaint")
    return row


@dataclass(frozen=True, slots=True)
class StepResult:
    complaint: ComplaintRow
    event: EventRow
    letter: EventRow | None


def _refusal(exc: ComplaintStepError | ComplaintInputError | DeadlineError) -> ApiError:
    text = exc.text
    if isinstance(exc, ComplaintInputError):
        return ApiError(
            422,
            "invalid_step",
            text.en,
            message_zh=text.zh,
            errors={k: {"en": v.en, "zh": v.zh} for k, v in exc.errors.items()},
        )
    if isinstance(exc, ComplaintStepError) and exc.code == "not_allowed":
        return ApiError(403, "forbidden", text.en)  # a refusal says no more than why
    if isinstance(exc, ComplaintStepError):
        return ApiError(409, "wrong_state", text.en, message_zh=text.zh)
    return ApiError(422, "invalid_step", text.en, message_zh=text.zh)


def _member(session: Session, row: ComplaintRow, user_id: str, what: str) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active or user.team_id != row.team_id:
        raise ApiError(
            422,
            "invalid_step",
            f"{what} must be an active member of the account's team",
            errors={what: {"en": "Not a member of the team", "zh": "不是该团队成员"}},
        )
    return user


def take_step(
    session: Session,
    principal: Principal,
    complaint_id: str,
    step: Step,
    given: StepInput,
    *,
    at: datetime,
) -> StepResult:
    """Apply one step for ``principal`` (refusals are ``ApiError``; nothing is written then)."""
    row = load(session, principal, complaint_id, lock=True)
    state = table.state_of(row.status)
    pack = pack_for_jurisdiction(row.pack) if row.pack else None
    rules = complaint_rules(pack)
    try:
        transition = table.transition(state, step, actors_of(principal, row))
        extension = next_extension(pack, row.extensions) if step is Step.EXTEND else None
        table.check(
            transition,
            given,
            rules=rules,
            subject_id=row.about_user_id,
            by_user_id=principal.user_id,
            extension=extension,
        )
    except (ComplaintStepError, ComplaintInputError, DeadlineError) as exc:
        raise _refusal(exc) from None
    account = session.get(AccountRow, row.account_id, with_for_update=True)
    assert account is not None
    customer = session.get(CustomerRow, row.customer_id)
    assert customer is not None
    sink = Sink(Author(principal.username, principal.user_id, principal.device_id), at)
    fields: dict[str, Any] = {}
    letter_kind: DocumentKind | None = None
    if step is Step.ASSIGN:
        owner = _member(session, row, given.owner_id.strip(), "owner_id")
        if given.about_user_id.strip():
            _member(session, row, given.about_user_id.strip(), "about_user_id")
            row.about_user_id = given.about_user_id.strip()
            fields["about_user_id"] = row.about_user_id
        row.owner_id = owner.id
        fields["owner_id"] = owner.id
        if given.reason.strip():
            fields["reason"] = given.reason.strip()
    elif step is Step.ACKNOWLEDGE:
        row.acknowledged_at = at
        letter_kind = DocumentKind.COMPLAINT_ACKNOWLEDGEMENT
    elif step is Step.EXTEND:
        assert extension is not None
        if extension.approval:
            approver = session.get(User, given.approver_id.strip())
            if (
                approver is None
                or not approver.active
                or approver.role
                not in (
                    Role.LEAD.value,
                    Role.ADMIN.value,
                )
            ):
                raise ApiError(
                    422,
                    "invalid_step",
                    "the approver must be an active team lead or administrator",
                    errors={
                        "approver_id": {"en": "Not a lead", "zh": "审批人须为团队主管或管理员"}
                    },
                )
            fields["approver_id"] = approver.id
        row.due_on = extended(row.due_on, extension)
        row.extensions += 1
        fields.update(reason=given.reason.strip(), sla_due=row.due_on.isoformat())
    elif step is Step.RESOLVE:
        redress = _redress(given.redress, row.currency)
        row.outcome = ComplaintOutcome(given.outcome.strip()).value
        row.root_cause = given.root_cause.strip() or None
        row.resolved_at = at
        row.resolved_on = local_day(at, customer.timezone)
        row.redress_minor = redress.minor if redress is not None else None
        fields.update(outcome=row.outcome, resolution=given.resolution.strip())
        if row.root_cause:
            fields["root_cause"] = row.root_cause
        if given.remedy.strip():
            fields["remedy"] = given.remedy.strip()
        if redress is not None and redress.is_positive():
            fields.update(redress=redress.wire(), currency=row.currency)
        letter_kind = DocumentKind.COMPLAINT_FINAL_RESPONSE
    elif step is Step.CLOSE:
        row.closed_at = at
    if transition.target is not None:
        row.status = transition.target.value
    event = write_step(session, account, row, step, sink=sink, fields=fields)
    if step is Step.RESOLVE and row.redress_minor:
        # the redress reduces the balance before the final response prints it
        adjust(
            session,
            account,
            row.redress_minor,
            reason="complaint_redress",
            names={"complaint_id": row.id},
            sink=sink,
        )
    letter = None
    if letter_kind is not None:
        letter = _letter(session, account, row, letter_kind, sink=sink, given=given)
    audit(
        session,
        principal,
        f"complaint.{step.value}",
        "complaint",
        row.id,
        {"reference": row.reference, "status": row.status, **_audited(fields)},
    )
    return StepResult(row, event, letter)


def _redress(amount: Decimal | None, currency: str) -> Money | None:
    if amount is None:
        return None
    try:
        return Money.of(amount, currency)
    except MoneyError as exc:
        raise ApiError(
            422,
            "invalid_step",
            f"redress: {exc}",
            errors={"redress": {"en": str(exc), "zh": f"补偿金额无效（{currency}）"}},
        ) from None


def _audited(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k not in ("resolution", "remedy")}


def _letter(
    session: Session,
    account: AccountRow,
    row: ComplaintRow,
    kind: DocumentKind,
    *,
    sink: Sink,
    given: StepInput,
) -> EventRow:
    customer = letters.customer_of_account(session, account)
    issued_on = local_day(sink.at, customer.timezone)
    details: Any
    if kind is DocumentKind.COMPLAINT_ACKNOWLEDGEMENT:
        handler = session.get(User, row.owner_id) if row.owner_id else None
        details = ComplaintAcknowledgementDetails(
            received_on=row.received_on,
            about=category_label(row.category),
            handler=handler.display_name or handler.username if handler else "—",
            final_by=row.due_on,
        )
    else:
        assert row.outcome is not None
        assert row.resolved_on is not None
        details = ComplaintFinalResponseDetails(
            received_on=row.received_on,
            resolved_on=row.resolved_on,
            final_by=row.due_on,
            outcome=OUTCOME_LABELS[ComplaintOutcome(row.outcome)],
            root_cause=root_cause_label(row.root_cause) if row.root_cause else None,
            resolution=given.resolution.strip(),
            remedy=given.remedy.strip(),
            redress=Money.from_minor(row.redress_minor, row.currency)
            if row.redress_minor
            else None,
        )
    document = letters.render(
        kind, account, customer, reference=row.reference, issued_on=issued_on, details=details
    )
    return letters.store(
        session,
        account,
        document,
        kind=kind,
        reference=row.reference,
        language=customer.language.value,
        write=sink,
        names={"complaint_id": row.id},
    )


def label_of(state: str) -> Text:
    return table.STATE_LABELS[table.state_of(state)]


def now() -> datetime:
    return datetime.now(UTC)
