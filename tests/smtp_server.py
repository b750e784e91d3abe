"""A real SMTP server on loopback for the delivery tests (aiosmtpd): it keeps the messages it accepts, can refuse
chosen recipients, drop the connection at a message, and be stopped and started again on its port.

``smtp_server`` points the app's mail settings at it (``SMTP_HOST``, ``SMTP_PORT``, no TLS, a sender, no rate
limit)."""

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

SENDER_EMAIL = "news@segapp.example"
SENDER_NAME = "Segapp News"


@dataclass(frozen=True)
class Received:
    """A message the server accepted: the envelope's sender and recipients, and the message parsed."""

    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def to(self) -> str:
        """The one envelope recipient (the tests' messages have one)."""
        assert len(self.recipients) == 1, self.recipients
        return self.recipients[0]


class _Handler:
    def __init__(self, server: "SmtpServer") -> None:
        self.server = server

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list) -> str:
        if address.lower() in self.server.refused:
            return f"550 5.1.1 <{address}>: Recipient address rejected: no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.server.lock:
            if self.server.drop_at is not None and self.server.accepted == self.server.drop_at:
                # The connection drops before the message is accepted: it was not received.
                self.server.drop_at = None
                self.server.dropped += 1
                server.transport.close()
                return "421 4.3.0 closing"
            message = BytesParser(policy=policy.default).parsebytes(envelope.content)
            self.server.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
            self.server.accepted += 1
        return "250 OK: queued"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """aiosmtpd on 127.0.0.1 in a thread of the test process."""

    def __init__(self, port: int | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.messages: list[Received] = []
        self.refused: set[str] = set()
        self.drop_at: int | None = None
        self.accepted = 0
        self.dropped = 0
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    @property
    def running(self) -> bool:
        """Whether it accepts connections."""
        return self._controller is not None

    def start(self) -> None:
        """Listen (again) on its port."""
        if self._controller is None:
            controller = Controller(_Handler(self), hostname=self.host, port=self.port)
            controller.start()
            self._controller = controller

    def stop(self) -> None:
        """Stop listening: connecting fails until ``start``."""
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def refuse(self, *addresses: str) -> None:
        """Refuse these recipients (550) from now on."""
        self.refused.update(address.lower() for address in addresses)

    def drop_after(self, count: int) -> None:
        """Accept ``count`` more messages, then drop the connection at the next one's data (once)."""
        with self.lock:
            self.drop_at = self.accepted + count

    def recipients(self) -> list[str]:
        """Every envelope recipient, in the order the messages came."""
        return [recipient for received in self.messages for recipient in received.recipients]

    def wait_for(self, count: int, seconds: float = 10) -> list[Received]:
        """The messages once there are ``count`` of them (a sending worker may be in another thread)."""
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.messages) >= count, f"{len(self.messages)} messages, waited for {count}"
        return self.messages


def configure_mail(app: Flask, monkeypatch: pytest.MonkeyPatch, server: SmtpServer) -> None:
    """Point the app's mail settings at ``server`` (the environment's settings, as app config)."""
    for name, value in {
        "SMTP_HOST": server.host,
        "SMTP_PORT": str(server.port),
        "SMTP_SECURITY": "none",
        "SMTP_USER": "",
        "SMTP_SENDER_EMAIL": SENDER_EMAIL,
        "SMTP_SENDER_NAME": SENDER_NAME,
        "SMTP_EMAILS_PER_MINUTE": "0",
        "SMTP_TIMEOUT_SECONDS": "10",
    }.items():
        monkeypatch.setitem(app.config, name, value)


@pytest.fixture
def smtp_server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """A running SMTP server on loopback that the app sends to; stopped after the test."""
    server = SmtpServer()
    server.start()
    configure_mail(app, monkeypatch, server)
    try:
        yield server
    finally:
        server.stop()
