"""contact search text

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 19:14:42.770454

"""

import sqlalchemy as sa
from alembic import op

from segapp.textfold import folded

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SEARCH_SOURCE = (
    "coalesce(no, '') || ' ' || coalesce(name, '') || ' ' || coalesce(city, '') || ' ' || coalesce(email, '')"
)


def upgrade():
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.String(length=500), nullable=False, server_default=""))
    # Fill the column for existing contacts in one statement, with the one fold (segapp.textfold).
    op.execute(f"UPDATE contact SET search_text = substr({_folded_sql(SEARCH_SOURCE)}, 1, 500)")


def _folded_sql(expression: str) -> str:
    return str(folded(sa.literal_column(expression)).compile(dialect=op.get_bind().dialect))


def downgrade():
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_column("search_text")
