"""Apply a mailing group to every contact on a segment's lines (spec 3.8): a few set-based statements."""

from flask_babel import gettext as _
from sqlalchemy import delete, exists, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from segapp.models import ContactMailingGroup, MailingGroup, SegmentLine
from segapp.services.errors import NotFound
from segapp.services.segments.records import get_segment

NO_SYNC = {"synchronize_session": False}


def apply_mailing_group(session: Session, segment_no: str, mailing_group_code: str, empty_first: bool = False) -> int:
    """Make every contact on the segment's lines a member of the mailing group, emptying the group first when
    asked; the number of contacts added (those already in it are left as they are)."""
    get_segment(session, segment_no)
    if session.get(MailingGroup, mailing_group_code) is None:
        raise NotFound(_("There is no mailing group %(code)s.", code=mailing_group_code), field="mailing_group_code")
    if empty_first:
        session.execute(
            delete(ContactMailingGroup).where(ContactMailingGroup.mailing_group_code == mailing_group_code),
            execution_options=NO_SYNC,
        )
    member = ContactMailingGroup
    line_contacts = (
        select(SegmentLine.contact_no, literal(mailing_group_code))
        .where(
            SegmentLine.segment_no == segment_no,
            SegmentLine.contact_no.is_not(None),
            ~exists().where(
                member.contact_no == SegmentLine.contact_no, member.mailing_group_code == mailing_group_code
            ),
        )
        .distinct()
    )
    # NOT EXISTS skips the members; ON CONFLICT also skips those another user adds at this very moment.
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(ContactMailingGroup)
        .from_select(["contact_no", "mailing_group_code"], line_contacts)
        .on_conflict_do_nothing(index_elements=["contact_no", "mailing_group_code"])
        # SQLAlchemy reports the rows an INSERT … SELECT inserted only when asked to.
        .execution_options(preserve_rowcount=True)
    )
    return session.execute(statement).rowcount
