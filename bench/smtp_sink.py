"""An SMTP server on loopback that accepts every message and keeps none: the delivery scenario's mail server, in a
process of its own so that its work is not counted in the sender's process.

``python -m bench.smtp_sink`` prints ``{"port": P}`` once it listens (on a free port unless ``--port``), then, when
it gets SIGTERM or SIGINT, ``{"messages": M, "recipients": R, "bytes": B}`` and exits.
"""

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class DiscardingHandler:
    """Counts what it is given and drops it."""

    messages: int = 0
    recipients: int = 0
    bytes: int = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's name
        """Accept the message and forget it."""
        self.messages += 1
        self.recipients += len(envelope.rcpt_tos)
        self.bytes += len(envelope.original_content or b"")
        return "250 OK"


async def serve(host: str, port: int) -> dict[str, int]:
    """Listen until SIGTERM or SIGINT; what was received."""
    loop = asyncio.get_running_loop()
    handler = DiscardingHandler()
    # hostname given: aiosmtpd would otherwise ask the resolver for this machine's name.
    server = await loop.create_server(lambda: SMTP(handler, hostname="bench-sink", ident="bench-sink"), host, port)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(json.dumps({"port": server.sockets[0].getsockname()[1]}), flush=True)
    await stop.wait()
    server.close()
    return {"messages": handler.messages, "recipients": handler.recipients, "bytes": handler.bytes}


class SinkProcess:
    """The sink started in a child process: ``port`` while it runs, ``stop()`` gives what it received."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        root = Path(__file__).resolve().parent.parent
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.smtp_sink", "--host", host],
            stdout=subprocess.PIPE,
            text=True,
            cwd=root,
            env=env,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            raise RuntimeError(f"the SMTP sink did not start ({self.process.returncode})")
        self.port: int = json.loads(line)["port"]

    def stop(self) -> dict[str, Any]:
        """Stop it; the messages, recipients and bytes it received."""
        self.process.send_signal(signal.SIGTERM)
        out, _ = self.process.communicate(timeout=30)
        return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Run the sink until it is told to stop."""
    parser = argparse.ArgumentParser(prog="python -m bench.smtp_sink", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    args = parser.parse_args(argv)
    received = asyncio.run(serve(args.host, args.port))
    print(json.dumps(received), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
