"""Checked rows kept in a temporary file, so that memory does not grow with the number of rows."""

import pickle
import tempfile
from collections.abc import Iterator
from typing import IO, Any

WRITE_CHUNK = 5_000


class Spool:
    """Items appended in order and read back in chunks of ``WRITE_CHUNK``."""

    def __init__(self) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile()
        self.buffer: list[Any] = []

    def add(self, item: Any) -> None:
        """Keep ``item``; the buffer goes to the file every ``WRITE_CHUNK`` items."""
        self.buffer.append(item)
        if len(self.buffer) >= WRITE_CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self.buffer:
            pickle.dump(self.buffer, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self.buffer = []

    def chunks(self) -> Iterator[list[Any]]:
        """The items kept so far, chunk by chunk."""
        self._flush()
        self.file.seek(0)
        while True:
            try:
                yield pickle.load(self.file)
            except EOFError:
                return

    def close(self) -> None:
        """Drop the temporary file."""
        self.file.close()
