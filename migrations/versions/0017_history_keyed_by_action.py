"""segment line history: found by its action through a block-range index, without a key or checks per saved line;
the highest saved line no. on the action

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28 10:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# The option columns and their values, as migration 0011 checked them.
CHECKED_COLUMNS = {
    "correspondence_type": ("", "hard_copy", "email"),
    "evaluation": ("", "very_positive", "positive", "neutral", "negative", "very_negative"),
    "information_flow": ("", "outbound", "inbound"),
    "initiated_by": ("", "us", "them"),
}


def upgrade():
    # The highest line no. of each action's history goes on the action, where a new line's number reads it: the
    # history's new index is by action only. Filled while the old key still reads it backwards.
    with op.batch_alter_table("segment_criteria_action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("highest_saved_line_no", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE segment_criteria_action SET highest_saved_line_no = "
        "(SELECT max(h.line_no) FROM segment_line_history h WHERE h.action_id = segment_criteria_action.id)"
    )

    # The key (action_id, line_no) cost a reduce of 200,000 lines a B-tree entry per saved line: 0.9 s and 50 MB of
    # WAL on PostgreSQL at 1,000,000 contacts. The rows of an action are written together, so a BRIN index on the
    # action finds them; SQLite gets a plain index on the action. The option columns lose their CHECKs: every row is
    # a copy of a line segment_line has checked already.
    with op.batch_alter_table("segment_line_history", schema=None) as batch_op:
        batch_op.drop_constraint("pk_segment_line_history", type_="primary")
        for column in CHECKED_COLUMNS:
            batch_op.drop_constraint(batch_op.f(f"ck_segment_line_history_{column}"), type_="check")
        batch_op.create_index(
            "ix_segment_line_history_action_id",
            ["action_id"],
            unique=False,
            postgresql_using="brin",
            postgresql_with={"autosummarize": "on"},
        )


def downgrade():
    with op.batch_alter_table("segment_line_history", schema=None) as batch_op:
        batch_op.drop_index("ix_segment_line_history_action_id")
        batch_op.create_primary_key("pk_segment_line_history", ["action_id", "line_no"])
        for column, values in CHECKED_COLUMNS.items():
            allowed = ", ".join(f"'{value}'" for value in values)
            batch_op.create_check_constraint(
                batch_op.f(f"ck_segment_line_history_{column}"), f"{column} IN ({allowed})"
            )
    with op.batch_alter_table("segment_criteria_action", schema=None) as batch_op:
        batch_op.drop_column("highest_saved_line_no")
