"""The delivery summary of a registered segment: how many of its entries are pending, sending, sent, in error or
unknown, per correspondence type, in one grouped SELECT."""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from segapp.models import CorrespondenceType, DeliveryStatus, InteractionLogEntry

# The statuses the summary shows, in the order an entry goes through them.
SUMMARY_STATUSES = (
    DeliveryStatus.PENDING,
    DeliveryStatus.SENDING,
    DeliveryStatus.SENT,
    DeliveryStatus.ERROR,
    DeliveryStatus.UNKNOWN,
)
# Statuses of an entry whose document is still on its way: a resend waits for them.
IN_FLIGHT = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


@dataclass(frozen=True)
class DeliveryCounts:
    """The entries of one correspondence type by delivery status."""

    counts: dict[DeliveryStatus, int] = field(default_factory=dict)

    def __getitem__(self, status: DeliveryStatus) -> int:
        return self.counts.get(status, 0)

    @property
    def total(self) -> int:
        """Entries with a delivery status (those with none had no document to deliver)."""
        return sum(self[status] for status in SUMMARY_STATUSES)

    @property
    def in_flight(self) -> int:
        """Entries pending or being sent."""
        return sum(self[status] for status in IN_FLIGHT)

    @property
    def failed(self) -> int:
        """Entries in error."""
        return self[DeliveryStatus.ERROR]

    @property
    def unknown(self) -> int:
        """Entries whose sending was interrupted: nobody knows whether they arrived."""
        return self[DeliveryStatus.UNKNOWN]


@dataclass(frozen=True)
class DeliverySummary:
    """A registered segment's e-mail and hard-copy entries by delivery status."""

    email: DeliveryCounts
    hard_copy: DeliveryCounts

    @property
    def in_flight(self) -> int:
        """Entries of either type pending or being sent."""
        return self.email.in_flight + self.hard_copy.in_flight

    @property
    def empty(self) -> bool:
        """No entry had a document to deliver."""
        return not (self.email.total or self.hard_copy.total)


def delivery_summary(session: Session, logged_entry_no: int) -> DeliverySummary:
    """The registered segment's entries counted by correspondence type and delivery status (one statement)."""
    entry = InteractionLogEntry
    rows = session.execute(
        select(entry.correspondence_type, entry.delivery_status, func.count())
        .where(entry.logged_segment_entry_no == logged_entry_no, entry.delivery_status.in_(SUMMARY_STATUSES))
        .group_by(entry.correspondence_type, entry.delivery_status)
    ).all()
    by_type: dict[CorrespondenceType, dict[DeliveryStatus, int]] = {
        CorrespondenceType.EMAIL: {},
        CorrespondenceType.HARD_COPY: {},
    }
    for correspondence, status, count in rows:
        if correspondence in by_type:
            by_type[correspondence][status] = count
    return DeliverySummary(
        email=DeliveryCounts(by_type[CorrespondenceType.EMAIL]),
        hard_copy=DeliveryCounts(by_type[CorrespondenceType.HARD_COPY]),
    )
