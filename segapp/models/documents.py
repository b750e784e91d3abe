"""Word documents (spec 5): each version of a template's document per language, and what an interaction log
entry keeps to produce its letter again (the template version and merge values on the entry, its own file
only where the line was personalised)."""

from datetime import datetime
from typing import Optional

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from segapp.models.base import Base, utcnow


class TemplateDocument(Base):
    """One uploaded version of the Word document of an interaction template in one language.

    The highest version is the one merged; an older one stays while an interaction log entry refers to it
    (the entry's foreign key forbids deleting it)."""

    __tablename__ = "template_document"
    __table_args__ = (
        UniqueConstraint("template_code", "language_code", "version", name="uq_template_document_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    template_code: Mapped[str] = mapped_column(ForeignKey("interaction_template.code", ondelete="CASCADE"))
    language_code: Mapped[str] = mapped_column(ForeignKey("language.code"))
    version: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    # JSON lists, as found on upload: the MERGEFIELD names, and the warnings shown with them.
    fields: Mapped[str] = mapped_column(Text, default="[]")
    warnings: Mapped[str] = mapped_column(Text, default="[]")
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("app_user.id"))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))


class InteractionLogEntryFile(Base):
    """The letter of an entry whose line was personalised (downloaded, edited in Word, uploaded back): used as
    it is. Anonymising the contact deletes it."""

    __tablename__ = "interaction_log_entry_file"

    entry_no: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("interaction_log_entry.entry_no", ondelete="CASCADE"),
        primary_key=True,
    )
    file_name: Mapped[str] = mapped_column(String(255), default="")
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))


class SegmentLineDocument(Base):
    """A line's personal text (merged at the PersonalText field) and its personalised letter, if uploaded.

    Kept apart from segment_line, which the line history copies column by column. While its line is on the
    segment removed_by_action_id is NULL; an action that removes the line sets it to that action, and going back
    on the action sets it back to NULL (the line and its document return together). Line numbers can be given
    again after a removal, so the (segment, line) key is unique only among the rows of lines on the segment."""

    __tablename__ = "segment_line_document"
    __table_args__ = (
        Index(
            "uq_segment_line_document_line",
            "segment_no",
            "line_no",
            unique=True,
            sqlite_where=text("removed_by_action_id IS NULL"),
            postgresql_where=text("removed_by_action_id IS NULL"),
        ),
        Index("ix_segment_line_document_removed", "removed_by_action_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_no: Mapped[str] = mapped_column(ForeignKey("segment_header.no", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(BigInteger)
    removed_by_action_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("segment_criteria_action.id", ondelete="CASCADE")
    )
    personal_text: Mapped[str] = mapped_column(Text, default="")
    file_name: Mapped[str] = mapped_column(String(255), default="")
    personalised_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    # The personalised letter (a merged letter edited in Word), used as it is; NULL when not personalised.
    content: Mapped[Optional[bytes]] = deferred(mapped_column(LargeBinary))
