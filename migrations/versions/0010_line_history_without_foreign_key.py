"""segment line history without its foreign key to the action: a large reduce checked it once per line

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 22:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_segment_line_history_action_id_segment_criteria_action"


def upgrade():
    # History whose action is gone (none should be: the cascade removed it) would never be read again.
    op.execute(
        sa.text(
            "DELETE FROM segment_line_history WHERE NOT EXISTS "
            "(SELECT 1 FROM segment_criteria_action a WHERE a.id = segment_line_history.action_id)"
        )
    )
    with op.batch_alter_table("segment_line_history", schema=None) as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_="foreignkey")


def downgrade():
    with op.batch_alter_table("segment_line_history", schema=None) as batch_op:
        batch_op.create_foreign_key(FOREIGN_KEY, "segment_criteria_action", ["action_id"], ["id"], ondelete="CASCADE")
