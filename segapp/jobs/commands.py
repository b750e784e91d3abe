"""``flask jobs worker`` (the Huey consumer, with the app) and ``flask jobs sweep``."""

import logging
import os

import click
from flask import current_app

from segapp.jobs.blueprint import bp
from segapp.jobs.queue import huey, sweep, use_app


@bp.cli.command("worker")
@click.option("--workers", "-w", type=int, default=lambda: int(os.environ.get("JOBS_WORKERS", "2")), show_default="2")
def worker_command(workers: int) -> None:
    """Run the background jobs (the Huey consumer). Ctrl+C stops it after each job's current step; the jobs
    go on at the next start."""
    if current_app.config.get("HUEY_IMMEDIATE"):
        raise click.ClickException("HUEY_IMMEDIATE is set: jobs run where they are started, no worker is needed.")
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] %(levelname)s %(name)s: %(message)s")
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True, check_worker_health=True)
    use_app(current_app._get_current_object(), consumer.stop_flag)  # type: ignore[attr-defined]
    consumer.run()


@bp.cli.command("sweep")
def sweep_command() -> None:
    """Queue again the jobs whose worker died (the consumer does this every minute)."""
    ids = sweep()
    click.echo(f"{len(ids)} job(s) handed to the workers.")
