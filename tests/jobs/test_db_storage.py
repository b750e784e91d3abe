"""Huey's storage in the app's database, on both databases: order, one taker per message, schedule, key-value."""

import threading
from datetime import datetime, timedelta
from typing import Any

from huey.constants import EmptyData

from segapp.jobs.db_storage import DatabaseStorage


def test_messages_come_out_by_priority_then_in_order_and_once(app: Any, database_url: str) -> None:
    storage = DatabaseStorage("q", url=database_url)
    other_queue = DatabaseStorage("other", url=database_url)
    for n in range(3):
        storage.enqueue(f"m{n}".encode())
    storage.enqueue(b"urgent", priority=10)
    other_queue.enqueue(b"not mine")
    assert storage.queue_size() == 4
    assert storage.enqueued_items(limit=2) == [b"urgent", b"m0"]
    assert [storage.dequeue() for _ in range(5)] == [b"urgent", b"m0", b"m1", b"m2", None]
    assert other_queue.dequeue() == b"not mine"
    storage.close()
    other_queue.close()


def test_two_consumers_never_take_the_same_message(app: Any, database_url: str) -> None:
    storage = DatabaseStorage("q", url=database_url)
    for n in range(60):
        storage.enqueue(str(n).encode())
    taken: list[list[bytes]] = [[], [], []]

    def consume(mine: list[bytes]) -> None:
        while (data := storage.dequeue()) is not None:
            mine.append(data)

    threads = [threading.Thread(target=consume, args=(mine,)) for mine in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [data for mine in taken for data in mine]
    assert sorted(everything, key=int) == [str(n).encode() for n in range(60)]
    storage.close()


def test_the_schedule_gives_what_is_due_and_the_values_are_kept(app: Any, database_url: str) -> None:
    storage = DatabaseStorage("q", url=database_url)
    now = datetime(2026, 11, 28, 4, 0)
    storage.add_to_schedule(b"later", now + timedelta(minutes=5))
    storage.add_to_schedule(b"due", now - timedelta(seconds=1))
    assert storage.schedule_size() == 2
    assert storage.read_schedule(now) == [b"due"]
    assert storage.read_schedule(now) == []
    assert storage.read_schedule(now + timedelta(minutes=6)) == [b"later"]
    storage.put_data("r:task", b"1")
    assert storage.has_data_for_key("r:task") and storage.peek_data("r:task") == b"1"
    assert storage.put_if_empty("r:task", b"2") is False
    assert storage.pop_data("r:task") == b"1"
    assert storage.peek_data("r:task") is EmptyData and storage.pop_data("r:task") is EmptyData
    assert storage.put_if_empty("lock", b"x") is True
    storage.flush_results()
    assert storage.result_store_size() == 0
    storage.close()
