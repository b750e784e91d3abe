"""A send worker killed (SIGKILL) right after the server accepted its N-th message, before *sent* is written:
``python -m tests.delivery.kill_worker <database url> <smtp port> <job id> <N> [<sending window>]``."""

import os
import signal
import sys
from typing import Any

from segapp import create_app
from segapp.config import TestConfig
from segapp.extensions import db
from segapp.services.delivery import smtp
from segapp.services.jobs import run_claimed


def main(url: str, port: str, job_id: str, kill_at: str, window: str = "1") -> None:
    """Run the job until the N-th message is accepted, then die without a word."""
    config = {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()}
    config.update(
        SQLALCHEMY_DATABASE_URI=url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
        SMTP_SECURITY="none",
        SMTP_SENDER_EMAIL="news@segapp.example",
        SMTP_EMAILS_PER_MINUTE="0",
        SMTP_SENDING_WINDOW=int(window),
    )
    app = create_app(config)
    real_send = smtp.MailConnection.send
    sent = [0]

    def send_then_die(self: Any, *args: Any, **kwargs: Any) -> None:
        real_send(self, *args, **kwargs)
        sent[0] += 1
        if sent[0] == int(kill_at):
            os.kill(os.getpid(), signal.SIGKILL)

    smtp.MailConnection.send = send_then_die  # type: ignore[method-assign]
    with app.app_context():
        from sqlalchemy.orm import Session

        with Session(db.engine) as session:
            run_claimed(session, int(job_id), "doomed")


if __name__ == "__main__":
    main(*sys.argv[1:6])
