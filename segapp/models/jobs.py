"""Background jobs (merging thousands of letters, large exports, later sending): what is done lives here, in
segapp's own tables, so that a job whose worker died is taken up again where it stopped."""

from datetime import datetime
from typing import Optional

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from segapp.models.base import Base, utcnow


class BackgroundJob(Base):
    """One piece of long work: its kind and parameters, its progress (done / total / errors), its state, and the
    lease of the worker running it (a worker that dies stops renewing it; the sweep queues the job again)."""

    __tablename__ = "background_job"
    __table_args__ = (
        Index("ix_background_job_owner", "owner", "id"),
        Index("ix_background_job_state_lease", "state", "lease_until"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(50))
    # What the job belongs to, for the page that shows it: e.g. "logged_segment:12", "segment:SEG0001".
    owner: Mapped[str] = mapped_column(String(100), default="")
    # queued, running, done, failed, cancelled
    state: Mapped[str] = mapped_column(String(20), default="queued")
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    # The kind's own progress marker (e.g. the last entry no. merged), JSON; steps resume from it.
    cursor: Mapped[str] = mapped_column(Text, default="{}")
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    worker: Mapped[str] = mapped_column(String(100), default="")
    lease_until: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))


class JobFile(Base):
    """A file a job wrote: an output the user downloads, or a part kept for the job's own later steps."""

    __tablename__ = "job_file"
    __table_args__ = (Index("ix_job_file_job", "job_id", "kind", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("background_job.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10), default="output")  # output or part
    name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))


class QueueTask(Base):
    """A wake-up call waiting in the task queue when it is kept in the app's database (HUEY_STORAGE=database):
    Huey's opaque message, taken by one consumer (SKIP LOCKED on PostgreSQL)."""

    __tablename__ = "queue_task"
    __table_args__ = (Index("ix_queue_task_order", "queue", "priority", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    queue: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    priority: Mapped[float] = mapped_column(Float, default=0.0)


class QueueSchedule(Base):
    """A task Huey runs later (a retry, an eta), when the queue is kept in the app's database."""

    __tablename__ = "queue_schedule"
    __table_args__ = (Index("ix_queue_schedule_due", "queue", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    queue: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    due_at: Mapped[datetime] = mapped_column(DateTime)  # naive UTC, as Huey gives it


class QueueValue(Base):
    """Huey's key-value data (revoked tasks, locks), when the queue is kept in the app's database."""

    __tablename__ = "queue_value"

    queue: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
