"""segment line history keyed by (action, line no.): no id sequence and two indexes fewer to write per saved line

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28 00:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("segment_line_history", schema=None) as batch_op:
        batch_op.drop_index("ix_segment_line_history_segment")
        batch_op.drop_index("ix_segment_line_history_action_id")
        batch_op.drop_constraint("pk_segment_line_history", type_="primary")
        batch_op.drop_column("id")
        batch_op.create_primary_key("pk_segment_line_history", ["action_id", "line_no"])


def downgrade():
    with op.batch_alter_table("segment_line_history", schema=None) as batch_op:
        batch_op.drop_constraint("pk_segment_line_history", type_="primary")
        batch_op.add_column(sa.Column("id", sa.Integer(), sa.Identity(), nullable=False))
        batch_op.create_primary_key("pk_segment_line_history", ["id"])
        batch_op.create_index("ix_segment_line_history_action_id", ["action_id"], unique=False)
        batch_op.create_index("ix_segment_line_history_segment", ["segment_no", "line_no"], unique=False)
