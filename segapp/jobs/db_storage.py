"""Huey's storage in the app's own database (``HUEY_STORAGE=database``): one queue for several app servers sharing
PostgreSQL, without Redis and without peewee (which Huey's own SqlHuey needs). Tables ``queue_task``,
``queue_schedule``, ``queue_value`` (migration 0015). A consumer takes a message with ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL and inside ``BEGIN IMMEDIATE`` on SQLite, so two consumers never take the same one."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from huey.constants import EmptyData
from huey.storage import BaseStorage
from sqlalchemy import Connection, Engine, create_engine, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import NullPool

from segapp.database import immediate_transactions
from segapp.models import QueueSchedule, QueueTask, QueueValue


class DatabaseStorage(BaseStorage):
    """Huey's queue, schedule and key-value data in three tables of the app's database."""

    blocking = False  # the consumer polls (Huey's default backoff: 0.1 s up to 10 s when idle)
    priority = True

    def __init__(self, name: str = "huey", url: str = "", engine: Engine | None = None, **kwargs: Any) -> None:
        super().__init__(name)
        # Its own small engine: the consumer's threads and the scheduler poll it, apart from the app's pool.
        self.engine = engine or create_engine(url, poolclass=NullPool if url.startswith("sqlite") else None)
        self.skip_locked = self.engine.dialect.name == "postgresql"

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with immediate_transactions(), self.engine.begin() as connection:
            yield connection

    def close(self) -> None:
        self.engine.dispose()

    # ---- the queue
    def enqueue(self, data: bytes, priority: float | None = None) -> None:
        with self._write() as connection:
            connection.execute(insert(QueueTask).values(queue=self.name, data=data, priority=priority or 0.0))

    def dequeue(self) -> bytes | None:
        query = (
            select(QueueTask.id, QueueTask.data)
            .where(QueueTask.queue == self.name)
            .order_by(QueueTask.priority.desc(), QueueTask.id)
            .limit(1)
        )
        if self.skip_locked:
            query = query.with_for_update(skip_locked=True)
        with self._write() as connection:
            row = connection.execute(query).first()
            if row is None:
                return None
            if connection.execute(delete(QueueTask).where(QueueTask.id == row.id)).rowcount != 1:
                return None
            return bytes(row.data)

    def queue_size(self) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(select(func.count()).where(QueueTask.queue == self.name)) or 0

    def enqueued_items(self, limit: int | None = None) -> list[bytes]:
        query = (
            select(QueueTask.data).where(QueueTask.queue == self.name).order_by(QueueTask.priority.desc(), QueueTask.id)
        )
        with self.engine.connect() as connection:
            return [bytes(data) for data in connection.scalars(query.limit(limit))]

    def flush_queue(self) -> None:
        with self._write() as connection:
            connection.execute(delete(QueueTask).where(QueueTask.queue == self.name))

    # ---- the schedule (retries with a delay, tasks with an eta)
    def add_to_schedule(self, data: bytes, ts: datetime) -> None:
        with self._write() as connection:
            connection.execute(insert(QueueSchedule).values(queue=self.name, data=data, due_at=ts))

    def read_schedule(self, ts: datetime) -> list[bytes]:
        query = (
            select(QueueSchedule.id, QueueSchedule.data)
            .where(QueueSchedule.queue == self.name, QueueSchedule.due_at <= ts)
            .order_by(QueueSchedule.due_at, QueueSchedule.id)
        )
        if self.skip_locked:
            query = query.with_for_update(skip_locked=True)
        with self._write() as connection:
            rows = connection.execute(query).all()
            if rows:
                connection.execute(delete(QueueSchedule).where(QueueSchedule.id.in_([row.id for row in rows])))
            return [bytes(row.data) for row in rows]

    def schedule_size(self) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(select(func.count()).where(QueueSchedule.queue == self.name)) or 0

    def scheduled_items(self, limit: int | None = None) -> list[bytes]:
        query = select(QueueSchedule.data).where(QueueSchedule.queue == self.name).order_by(QueueSchedule.due_at)
        with self.engine.connect() as connection:
            return [bytes(data) for data in connection.scalars(query.limit(limit))]

    def flush_schedule(self) -> None:
        with self._write() as connection:
            connection.execute(delete(QueueSchedule).where(QueueSchedule.queue == self.name))

    # ---- key-value data (revoked tasks, locks; results are off)
    def _value(self, connection: Connection, key: str) -> bytes | None:
        found = connection.scalar(select(QueueValue.value).where(QueueValue.queue == self.name, QueueValue.key == key))
        return None if found is None else bytes(found)

    def put_data(self, key: str, value: bytes, is_result: bool = False) -> None:
        with self._write() as connection:
            connection.execute(delete(QueueValue).where(QueueValue.queue == self.name, QueueValue.key == key))
            connection.execute(insert(QueueValue).values(queue=self.name, key=key, value=value))

    def peek_data(self, key: str) -> Any:
        with self.engine.connect() as connection:
            value = self._value(connection, key)
        return EmptyData if value is None else value

    def pop_data(self, key: str) -> Any:
        with self._write() as connection:
            value = self._value(connection, key)
            if value is None:
                return EmptyData
            connection.execute(delete(QueueValue).where(QueueValue.queue == self.name, QueueValue.key == key))
            return value

    def delete_data(self, key: str) -> bool:
        with self._write() as connection:
            deleted = connection.execute(delete(QueueValue).where(QueueValue.queue == self.name, QueueValue.key == key))
            return deleted.rowcount == 1

    def has_data_for_key(self, key: str) -> bool:
        with self.engine.connect() as connection:
            return self._value(connection, key) is not None

    def put_if_empty(self, key: str, value: bytes, ttl: int | None = None) -> bool:
        try:
            with self._write() as connection:
                if self._value(connection, key) is not None:
                    return False
                connection.execute(insert(QueueValue).values(queue=self.name, key=key, value=value))
                return True
        except IntegrityError:  # another consumer put it at the same moment
            return False

    def result_store_size(self) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(select(func.count()).where(QueueValue.queue == self.name)) or 0

    def result_items(self) -> dict[str, bytes]:
        query = select(QueueValue.key, QueueValue.value).where(QueueValue.queue == self.name)
        with self.engine.connect() as connection:
            return {row.key: bytes(row.value) for row in connection.execute(query)}

    def flush_results(self) -> None:
        with self._write() as connection:
            connection.execute(delete(QueueValue).where(QueueValue.queue == self.name))
