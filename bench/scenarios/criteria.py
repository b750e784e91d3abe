"""Scenarios preview, add, reduce, refine and go_back: segapp's criteria services vs one raw SQL statement each.

The action touches about 20 % of the generated contacts (bench/datagen.py) and needs an EXISTS:
- preview, add and reduce match MATCH, "city Milano|Roma|Torino|Napoli|Bologna and mailing group NEWS|XMAS"
  (20.0 % of the contacts: 5 of the 14 cities hold 39 %, 51 % are in NEWS or XMAS);
- refine keeps KEEP, "city <the 9 Italian cities>, or (second group) mailing group NEWS" (79 %), so it removes 21 %.
preview and add work on BENCH-CR-ADD, an empty segment; reduce, refine and go_back on BENCH-CR-ALL, a line per
contact (made as bench/scenarios/web.py makes its segments). go_back undoes two actions at once, a reduce of MATCH
and the add of MATCH that followed it: it deletes the ~20 % lines the add brought and restores the ~20 % lines the
reduce removed, exactly as they were.

The baselines are single statements with the same predicates (the same fold, related tables written as segapp
writes them) on the same data: SELECT count(*), INSERT ... SELECT (the lines as segapp fills them: header values,
the contact rules of spec 3.2 for the demo template LETTER, the order and numbering of spec 3.4), DELETE ... WHERE,
and for go back the DELETE of the added lines plus the INSERT ... SELECT from the history.

Each side runs in its own child process (its own time and peak RSS) that warms up alike before the clock starts
(connection, services, a preview matching nothing) and commits inside it; segapp's side includes
``refresh_line_statistics`` after the commit, as the views call it. Between runs the segment is put back (actions,
history and added lines deleted, removed lines inserted again; VACUUM ANALYZE on PostgreSQL) and the state a
scenario starts from is rebuilt, outside the measured time. Both sides must report the same number of rows or the
scenario fails.
"""

import importlib
import importlib.util
import statistics
import time
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bench.measure import Context, NotAvailable, Sample, Scenario, run_child
from bench.scenarios.criteria_sql import ADD_SEGMENT, ALL_SEGMENT, KEEP, LINE_STEP, MATCH, run_baseline
from bench.scenarios.web import add_ranked_lines, create_segment
from segapp.extensions import db
from segapp.models import (
    CriteriaActionType,
    SegmentCriteriaAction,
    SegmentCriteriaFilter,
    SegmentHeader,
    SegmentLine,
    SegmentLineHistory,
)

RUNNING = "segapp.services.criteria.running"
UNDO = "segapp.services.criteria.undo"


# -- segapp's side -------------------------------------------------------------------------------------------


def _filters(groups: tuple[tuple[int, str, str, str], ...]) -> list[Any]:
    from segapp.services.criteria.matching import FieldFilter

    return [FieldFilter(group, table, field, expression) for group, table, field, expression in groups]


def _segapp(session: Session, spec: dict[str, Any]) -> tuple[Any, int]:
    """Run segapp's service of ``spec["scenario"]``; what it did, and the lines the views refresh statistics for."""
    name = spec["scenario"]
    if name == "go_back":
        from segapp.services.criteria.undo import go_back

        result = go_back(session, ALL_SEGMENT, to_sequence_no=spec["to_sequence_no"])
        return [result.lines_removed, result.lines_restored], result.lines_restored
    from segapp.services.criteria import running
    from segapp.services.criteria.matching import ActionOptions

    if name == "preview":
        preview = running.preview_action(
            session, ADD_SEGMENT, CriteriaActionType.ADD, _filters(MATCH), ActionOptions(), locale="en"
        )
        return preview.changed, 0
    run = {"add": running.add_contacts, "reduce": running.reduce_contacts, "refine": running.refine_contacts}[name]
    segment = ADD_SEGMENT if name == "add" else ALL_SEGMENT
    action = run(
        session, segment, _filters(KEEP if name == "refine" else MATCH), ActionOptions(), user_id=None, locale="en"
    )
    changed = action.lines_added if name == "add" else action.lines_removed
    return changed, action.lines_added


def _warm_up(session: Session, spec: dict[str, Any]) -> None:
    """Before the clock starts, on both sides alike: the connection open (on SQLite with the fold registered), the
    services imported, and a preview run of an add with the scenario's tables that matches nothing, as a worker has
    run previews while the user typed the filters (PostgreSQL's catalogue caches are per connection)."""
    from segapp.services.criteria import running
    from segapp.services.criteria.matching import ActionOptions

    if spec["scenario"] == "go_back":
        from segapp.services.criteria import undo  # noqa: F401

    segment = ADD_SEGMENT if spec["scenario"] in ("preview", "add") else ALL_SEGMENT
    nowhere = ((1, "contact", "city", "Atlantis"), (1, "mailing_group", "mailing_group_code", "NEWS"))
    running.preview_action(session, segment, CriteriaActionType.ADD, _filters(nowhere), ActionOptions(), locale="en")
    session.rollback()


def segapp_task(spec: dict[str, Any]) -> dict[str, Any]:
    """Child side: segapp's service, the commit, then the statistics refresh the views do after it."""
    session = db.session
    _warm_up(session, spec)
    started = time.perf_counter()
    rows, changed = _segapp(session, spec)
    session.commit()
    action_s = time.perf_counter() - started
    if changed:
        from segapp.services.criteria.running import refresh_line_statistics

        refresh_line_statistics(session, changed)
        session.commit()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": rows, "detail": {"action_s": action_s, "refresh_s": seconds - action_s}}


def baseline_task(spec: dict[str, Any]) -> dict[str, Any]:
    """Child side: the raw statement(s) and the commit."""
    session = db.session
    _warm_up(session, spec)
    started = time.perf_counter()
    rows = run_baseline(session, spec)
    session.commit()
    return {"seconds": time.perf_counter() - started, "rows": rows}


# -- putting the segments back between runs ------------------------------------------------------------------


def _delete_actions(connection: Any, segment_no: str) -> None:
    """The segment's actions, their filters and their history."""
    actions = select(SegmentCriteriaAction.id).where(SegmentCriteriaAction.segment_no == segment_no)
    connection.execute(delete(SegmentLineHistory).where(SegmentLineHistory.segment_no == segment_no))
    connection.execute(delete(SegmentCriteriaFilter).where(SegmentCriteriaFilter.action_id.in_(actions)))
    connection.execute(
        SegmentLine.__table__.update()
        .where(SegmentLine.segment_no == segment_no, SegmentLine.criteria_action_id.is_not(None))
        .values(criteria_action_id=None)
    )
    connection.execute(delete(SegmentCriteriaAction).where(SegmentCriteriaAction.segment_no == segment_no))


def restore_segment(ctx: Context, segment_no: str) -> None:
    """The segment as prepared: no actions nor history; BENCH-CR-ADD empty, BENCH-CR-ALL a line per contact."""
    with ctx.app.app_context(), db.engine.begin() as connection:
        if segment_no == ADD_SEGMENT:
            connection.execute(delete(SegmentLine).where(SegmentLine.segment_no == segment_no))
        else:
            # Lines an action brought, then the prepared lines that are missing (line no. = rank x 10000).
            connection.execute(
                delete(SegmentLine).where(
                    SegmentLine.segment_no == segment_no,
                    SegmentLine.criteria_action_id.is_not(None) | (SegmentLine.line_no > ctx.n * LINE_STEP),
                )
            )
            add_ranked_lines(
                connection,
                segment_no,
                f"NOT EXISTS (SELECT 1 FROM segment_line l WHERE l.segment_no = '{segment_no}' "
                f"AND l.line_no = r * {LINE_STEP})",
            )
        _delete_actions(connection, segment_no)
    _vacuum(ctx)


def _vacuum(ctx: Context) -> None:
    """PostgreSQL: every run starts from tables without the previous run's dead rows, with fresh statistics."""
    if ctx.db != "postgresql":
        return
    with ctx.app.app_context(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE segment_line, segment_line_history, segment_criteria_action")


def ensure_segment(ctx: Context, segment_no: str) -> None:
    """Create the benchmark segment if this run has not yet."""
    with ctx.app.app_context():
        exists = db.session.get(SegmentHeader, segment_no) is not None
        db.session.remove()
    if not exists:
        create_segment(ctx.app, segment_no, "1 = 0" if segment_no == ADD_SEGMENT else "1 = 1")


def drop_segment(ctx: Context, segment_no: str) -> None:
    """Remove a benchmark segment with its actions and history."""
    with ctx.app.app_context(), db.engine.begin() as connection:
        connection.execute(delete(SegmentLine).where(SegmentLine.segment_no == segment_no))
        _delete_actions(connection, segment_no)
        connection.execute(delete(SegmentHeader).where(SegmentHeader.no == segment_no))


# -- the scenarios -------------------------------------------------------------------------------------------


class CriteriaScenario(Scenario):
    """One criteria action, segapp's service vs its raw statement, each side in a child process."""

    segment_no = ALL_SEGMENT
    needs = (RUNNING,)
    functions: tuple[str, ...] = ()

    def check(self, ctx: Context) -> None:
        """The services must exist with the functions this scenario calls."""
        for module_name in self.needs:
            if importlib.util.find_spec(module_name) is None:
                raise NotAvailable(module_name)
        module = importlib.import_module(self.needs[-1])
        missing = [name for name in self.functions if not hasattr(module, name)]
        if missing:
            raise NotAvailable(f"{self.needs[-1]}.{', '.join(missing)}")

    def prepare(self, ctx: Context) -> None:
        """The segment, and the state each run starts from."""
        ensure_segment(ctx, self.segment_no)
        restore_segment(ctx, self.segment_no)
        ctx.state["criteria"] = {"segapp": [], "baseline": [], "params": self.set_up(ctx)}

    def set_up(self, ctx: Context) -> dict[str, Any]:
        """Bring the segment to the state a run starts from; the parameters of the run."""
        return {}

    def params(self, ctx: Context) -> dict[str, Any]:
        """What the child needs: the scenario, and the parameters of the state it starts from."""
        return {"scenario": self.name, **ctx.state["criteria"]["params"]}

    def run_segapp(self, ctx: Context) -> Sample:
        """segapp's service in a child process."""
        sample = run_child("criteria_segapp", ctx, **self.params(ctx))
        ctx.state["criteria"]["segapp"].append(sample)
        return sample

    def run_baseline(self, ctx: Context) -> Sample:
        """The raw statement in a child process; it must have done what segapp did."""
        sample = run_child("criteria_baseline", ctx, **self.params(ctx))
        ctx.state["criteria"]["baseline"].append(sample)
        done = ctx.state["criteria"]["segapp"][-1].rows
        if sample.rows != done:
            raise RuntimeError(f"{self.name}: segapp did {done}, the baseline {sample.rows}")
        return sample

    def reset(self, ctx: Context) -> None:
        """Put the segment back and rebuild the starting state."""
        restore_segment(ctx, self.segment_no)
        ctx.state["criteria"]["params"] = self.set_up(ctx)

    def finish(self, ctx: Context) -> None:
        """Remove the segment."""
        drop_segment(ctx, self.segment_no)

    def extra(self, ctx: Context) -> dict[str, Any]:
        """The rows of the last run and the median of segapp's action and statistics refresh times."""
        runs = ctx.state["criteria"]["segapp"]
        figures: dict[str, Any] = {"rows": runs[-1].rows if runs else None}
        for key in ("action_s", "refresh_s"):
            values = [s.detail[key] for s in runs if key in s.detail]
            if values:
                figures[key] = round(statistics.median(values), 4)
        return figures


class PreviewScenario(CriteriaScenario):
    """preview: the live preview of an add of MATCH to an empty segment vs SELECT count(*)."""

    name = "preview"
    segment_no = ADD_SEGMENT
    functions = ("preview_action",)

    def reset(self, ctx: Context) -> None:
        """A preview changes nothing."""


class AddScenario(CriteriaScenario):
    """add: add contacts MATCH to an empty segment vs INSERT ... SELECT."""

    name = "add"
    segment_no = ADD_SEGMENT
    functions = ("add_contacts", "refresh_line_statistics")

    def set_up(self, ctx: Context) -> dict[str, Any]:
        """The baseline's lines take the correspondence type of the header's template when the contact has none."""
        from segapp.models import InteractionTemplate

        with ctx.app.app_context():
            header = db.session.get(SegmentHeader, ADD_SEGMENT)
            template = db.session.get(InteractionTemplate, header.interaction_template_code)
            value = template.correspondence_type.value
            db.session.remove()
        return {"template_correspondence_type": value}


class ReduceScenario(CriteriaScenario):
    """reduce: reduce contacts MATCH on a segment of every contact vs DELETE ... WHERE."""

    name = "reduce"
    functions = ("reduce_contacts", "refresh_line_statistics")


class RefineScenario(CriteriaScenario):
    """refine: refine contacts KEEP on a segment of every contact vs DELETE ... WHERE NOT EXISTS."""

    name = "refine"
    functions = ("refine_contacts", "refresh_line_statistics")


class GoBackScenario(CriteriaScenario):
    """go_back: undo a reduce of MATCH and the add of MATCH after it vs the DELETE plus the INSERT from history."""

    name = "go_back"
    needs = (RUNNING, UNDO)
    functions = ("go_back",)

    def set_up(self, ctx: Context) -> dict[str, Any]:
        """Reduce MATCH, then add MATCH, through segapp's services (as a user would have, with the refresh)."""
        from segapp.services.criteria import running
        from segapp.services.criteria.matching import ActionOptions

        with ctx.app.app_context():
            session = db.session
            reduced = running.reduce_contacts(
                session, ALL_SEGMENT, _filters(MATCH), ActionOptions(), user_id=None, locale="en"
            )
            added = running.add_contacts(
                session, ALL_SEGMENT, _filters(MATCH), ActionOptions(), user_id=None, locale="en"
            )
            params = {"to_sequence_no": reduced.sequence_no, "removed_by": [reduced.id], "added_by": [added.id]}
            session.commit()
            running.refresh_line_statistics(session, reduced.lines_removed + added.lines_added)
            session.commit()
            db.session.remove()
        return params
