"""The claim on e-mail entries to send and their delivery status (spec 5: nothing is sent twice).

A worker claims a batch of *pending* e-mail entries (``delivery_worker``, ``delivery_lease_until``: a conditional
UPDATE, ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two workers never hold the same entry); it marks a message's
entries *sending*, committed before the SMTP call, and *sent* or *error* after. The claim is apart from the status:
an entry becomes *unknown* only when it is still *sending* after its lease (its worker died mid-call); a claimed
entry still *pending* whose worker died is simply claimed again once the lease is over.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, case, func, literal, null, or_, select, update
from sqlalchemy.orm import Session, aliased

from segapp.models import Contact, CorrespondenceType, DeliveryStatus, InteractionLogEntry
from segapp.models.base import utcnow

ENTRY = InteractionLogEntry


def _claimable(logged_entry_no: int, worker: str, now: datetime, entry: Any = ENTRY) -> Any:
    """Pending e-mail entries of the registered segment that nobody holds (or this worker, or a lapsed claim)."""
    return and_(
        entry.logged_segment_entry_no == logged_entry_no,
        entry.correspondence_type == CorrespondenceType.EMAIL,
        entry.delivery_status == DeliveryStatus.PENDING,
        or_(entry.delivery_worker == "", entry.delivery_worker == worker, entry.delivery_lease_until < now),
    )


def claim_entries(
    session: Session,
    logged_entry_no: int,
    worker: str,
    *,
    limit: int,
    lease_until: datetime,
    by_address: bool,
    now: datetime | None = None,
) -> list[int]:
    """Claim up to ``limit`` pending e-mail entries of the registered segment for ``worker`` until
    ``lease_until``; their entry nos. (one UPDATE; the caller commits). ``by_address`` takes them in order of
    the contact's address, and the whole of the last address's entries, so that a message per address never
    splits between two batches."""
    now = now or utcnow()
    claimable = _claimable(logged_entry_no, worker, now)
    # The batch is chosen from an alias: a subquery on the UPDATE's own table would be correlated with each row.
    candidate = aliased(ENTRY, name="candidate")
    pick = select(candidate.entry_no).where(_claimable(logged_entry_no, worker, now, candidate))
    if by_address:
        address = func.lower(func.trim(Contact.email))
        pick = pick.join(Contact, Contact.no == candidate.contact_no).order_by(address, candidate.entry_no)
    else:
        pick = pick.order_by(candidate.entry_no)
    pick = pick.limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True, of=candidate)
    # A CTE, read once: PostgreSQL may run an IN (subquery) again per row, each run locking further rows.
    picked = pick.cte("picked")
    claimed = list(
        session.scalars(
            update(ENTRY)
            .where(ENTRY.entry_no == picked.c.entry_no, claimable)
            .values(delivery_worker=worker, delivery_lease_until=lease_until)
            .returning(ENTRY.entry_no)
            .execution_options(synchronize_session=False)
        )
    )
    if by_address and len(claimed) == limit:
        claimed += _claim_rest_of_last_address(session, claimed, claimable, worker, lease_until, logged_entry_no, now)
    return sorted(set(claimed))


def _claim_rest_of_last_address(
    session: Session,
    claimed: list[int],
    claimable: Any,
    worker: str,
    lease_until: datetime,
    logged_entry_no: int,
    now: datetime,
) -> list[int]:
    """The batch is full: its last address may have more entries; claim them too (two statements, full
    batches only)."""
    address = func.lower(func.trim(Contact.email))
    last = session.scalar(
        select(address)
        .select_from(ENTRY)
        .join(Contact, Contact.no == ENTRY.contact_no)
        .where(ENTRY.entry_no.in_(claimed))
        .order_by(address.desc())
        .limit(1)
    )
    if not last:
        return []
    # Among the registered segment's own claimable entries (not every contact: a scan of the contact table per
    # step would cost as much as the step's messages at a million contacts).
    candidate = aliased(ENTRY, name="same_address")
    same_address = (
        select(candidate.contact_no)
        .join(Contact, Contact.no == candidate.contact_no)
        .where(_claimable(logged_entry_no, worker, now, candidate), address == last)
        .scalar_subquery()
    )
    return list(
        session.scalars(
            update(ENTRY)
            .where(claimable, ENTRY.contact_no.in_(same_address))
            .values(delivery_worker=worker, delivery_lease_until=lease_until)
            .returning(ENTRY.entry_no)
            .execution_options(synchronize_session=False)
        )
    )


def _advance_statement() -> Any:
    """The one UPDATE of a message: the previous message's entries *sent* (their claim let go) and this one's
    *sending*, built once (its compiled form is reused for every message)."""
    c = InteractionLogEntry.__table__.c
    sent = bindparam("sent", expanding=True)
    is_sent = c.entry_no.in_(sent)
    status = c.delivery_status.type
    return (
        InteractionLogEntry.__table__.update()
        .where(
            # Both lists again as one: the primary key finds the rows (an OR of two INs alone is a table scan).
            c.entry_no.in_(bindparam("entries", expanding=True)),
            c.delivery_worker == bindparam("worker", type_=c.delivery_worker.type),
            or_(
                and_(is_sent, c.delivery_status == literal(DeliveryStatus.SENDING, status)),
                and_(
                    c.entry_no.in_(bindparam("sending", expanding=True)),
                    c.delivery_status == literal(DeliveryStatus.PENDING, status),
                ),
            ),
        )
        .values(
            delivery_status=case(
                (is_sent, literal(DeliveryStatus.SENT, status)), else_=literal(DeliveryStatus.SENDING, status)
            ),
            delivered_at=case((is_sent, bindparam("now", type_=c.delivered_at.type)), else_=c.delivered_at),
            delivery_worker=case((is_sent, literal("", c.delivery_worker.type)), else_=c.delivery_worker),
            delivery_lease_until=case(
                (is_sent, null()), else_=bindparam("lease_until", type_=c.delivery_lease_until.type)
            ),
            delivery_message_id=case(
                (is_sent, c.delivery_message_id), else_=bindparam("message_id", type_=c.delivery_message_id.type)
            ),
            delivery_attempts=case((is_sent, c.delivery_attempts), else_=c.delivery_attempts + 1),
            delivery_error=case((is_sent, c.delivery_error), else_=literal("", c.delivery_error.type)),
        )
        .returning(c.entry_no, c.delivery_status)
    )


_ADVANCE = _advance_statement()


def advance_entries(
    session: Session,
    worker: str,
    *,
    sent: Sequence[int] = (),
    sending: Sequence[int] = (),
    message_id: str = "",
    lease_until: datetime | None = None,
) -> list[int]:
    """One statement per message: the entries of the message the server accepted *sent*, and the next
    message's *sending* (the caller commits before its SMTP call); of these, those this worker still held and
    that were pending, now *sending*."""
    if not sent and not sending:
        return []
    rows = session.execute(
        _ADVANCE,
        {
            "worker": worker,
            "entries": [*sent, *sending],
            "sent": list(sent),
            "sending": list(sending),
            "now": utcnow(),
            "lease_until": lease_until,
            "message_id": message_id,
        },
    )
    return sorted(row.entry_no for row in rows if row.delivery_status == DeliveryStatus.SENDING)


def mark_window_sending(
    session: Session,
    worker: str,
    *,
    sent: Sequence[int],
    messages: Sequence[tuple[Sequence[int], str]],
    lease_until: datetime,
) -> list[int]:
    """A window of messages: the previous ones' entries *sent*, and the entries of each of the next messages
    *sending* with that message's Message-ID, before any of them is sent (the caller commits, then sends them in
    order). Of these, those this worker still held and that were pending, now *sending*. A window of one message
    is the one statement of ``advance_entries``; a larger one costs two statements whatever its size."""
    if len(messages) == 1:
        entry_nos, message_id = messages[0]
        return advance_entries(
            session, worker, sent=sent, sending=entry_nos, message_id=message_id, lease_until=lease_until
        )
    if sent:
        mark_sent(session, sent, worker)
    message_ids = {entry_no: message_id for entry_nos, message_id in messages for entry_no in entry_nos}
    if not message_ids:
        return []
    c = InteractionLogEntry.__table__.c
    rows = session.execute(
        InteractionLogEntry.__table__.update()
        .where(
            c.entry_no.in_(list(message_ids)),
            c.delivery_worker == worker,
            c.delivery_status == DeliveryStatus.PENDING,
        )
        .values(
            delivery_status=DeliveryStatus.SENDING,
            delivery_lease_until=lease_until,
            delivery_message_id=case(message_ids, value=c.entry_no, else_=c.delivery_message_id),
            delivery_attempts=c.delivery_attempts + 1,
            delivery_error="",
        )
        .returning(c.entry_no)
    )
    return sorted(row.entry_no for row in rows)


def give_back_sending(session: Session, entry_nos: Sequence[int], worker: str) -> None:
    """Entries of a window marked *sending* whose call was never made (the window ran out of time): pending
    again, claim let go, for the next step; nothing of them went to the server."""
    if not entry_nos:
        return
    _let_go(session, entry_nos, worker, (DeliveryStatus.SENDING,), delivery_status=DeliveryStatus.PENDING)


def _let_go(
    session: Session, entry_nos: Sequence[int], worker: str, statuses: Sequence[DeliveryStatus], **values: Any
) -> None:
    """This worker's claim on those of ``entry_nos`` it holds in one of ``statuses`` let go, with ``values``."""
    session.execute(
        update(ENTRY)
        .where(
            ENTRY.entry_no.in_(entry_nos),
            ENTRY.delivery_worker == worker,
            ENTRY.delivery_status.in_(statuses),
        )
        .values(delivery_worker="", delivery_lease_until=None, **values)
        .execution_options(synchronize_session=False)
    )


def mark_sent(session: Session, entry_nos: Sequence[int], worker: str) -> None:
    """The entries of a message the server accepted: *sent*, the claim let go."""
    advance_entries(session, worker, sent=entry_nos)


def mark_error(session: Session, entry_nos: Sequence[int], worker: str, reason: str) -> None:
    """Entries that were not sent (the server's reason, or why they could not be): *error*, the claim let go.
    Only entries this worker holds, pending or sending."""
    _let_go(
        session,
        entry_nos,
        worker,
        (DeliveryStatus.PENDING, DeliveryStatus.SENDING),
        delivery_status=DeliveryStatus.ERROR,
        delivery_error=reason,
    )


def release_entries(session: Session, entry_nos: Sequence[int], worker: str) -> None:
    """Let go of claimed entries not sent in this step (still pending): the next step, any worker, takes them."""
    _let_go(session, entry_nos, worker, (DeliveryStatus.PENDING,))


def expire_delivery_claims(session: Session, now: datetime | None = None) -> int:
    """Entries left *sending* after their lease (their worker died between *sending* and *sent*) become
    *unknown*: only a user's retry sends them again. How many (one UPDATE; the caller commits)."""
    now = now or utcnow()
    result = session.execute(
        update(ENTRY)
        .where(ENTRY.delivery_status == DeliveryStatus.SENDING, ENTRY.delivery_lease_until < now)
        .values(
            delivery_status=DeliveryStatus.UNKNOWN,
            delivery_error=_("The worker sending it stopped during the call to the mail server: it may have gone."),
            delivery_worker="",
            delivery_lease_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)
