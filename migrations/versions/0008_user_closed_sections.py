"""user closed sections: the segment page's FastTabs each user keeps closed

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 18:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_sections", sa.String(length=200), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("closed_sections")
