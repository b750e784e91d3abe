"""The merge scenario at a small N: its registered segment leaves out the privacy-blocked contacts (register refuses
them), and the job it prepares produces a letter for every line that is left."""

from typing import Any

from flask import Flask
from sqlalchemy import func, select, update

from bench.datagen import SEED, generate
from bench.measure import Context
from bench.scenarios.merging import MergeScenario
from segapp.models import Contact, InteractionLogEntry, LoggedSegment
from segapp.services.jobs import run_job_now

N = 40


def test_the_merge_segment_leaves_out_privacy_blocked_contacts_and_every_line_gets_its_letter(
    app: Flask, db: Any, database_url: str, backend: str
) -> None:
    generate(db.engine, N)
    db.session.execute(
        update(Contact)
        .where(Contact.no.in_(select(Contact.no).order_by(Contact.no).limit(3)))
        .values(privacy_blocked=True)
    )
    db.session.commit()
    blocked = db.session.scalar(select(func.count()).where(Contact.privacy_blocked.is_(True)))
    db.session.rollback()  # the scenario writes through its own session: no older snapshot held here
    ctx = Context(db=backend, url=database_url, n=N, seed=SEED, app=app)
    scenario = MergeScenario()
    scenario.prepare(ctx)
    state = ctx.state["merge"]
    assert state["lines"] == N - blocked
    job = run_job_now(db.session, state["job_id"])
    assert (job.state, job.done, job.errors) == ("done", N - blocked, 0)
    sent = select(func.count()).where(
        InteractionLogEntry.logged_segment_entry_no == state["logged"],
        InteractionLogEntry.delivery_status == "sent",
    )
    assert db.session.scalar(sent) == N - blocked
    db.session.rollback()
    scenario.finish(ctx)
    assert db.session.scalar(select(func.count()).select_from(LoggedSegment)) == 0
