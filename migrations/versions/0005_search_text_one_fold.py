"""search text with the one fold: refill the contact search column with segapp.textfold

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 17:50:00

Until now the column was folded with Python's casefold() on insert and with PostgreSQL's
lower() under the database's collation after set-based updates, while the search folded
the term with casefold(): on PostgreSQL "straße" no longer found "Straße GmbH" once an
import had updated it. Every row is folded again, the one way.
"""

import sqlalchemy as sa
from alembic import op

from segapp.textfold import folded

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SEARCH_TEXT_LENGTH = 500
contact = sa.table(
    "contact", sa.column("no"), sa.column("name"), sa.column("city"), sa.column("email"), sa.column("search_text")
)


def upgrade():
    source = sa.func.coalesce(contact.c.no, "")
    for column in (contact.c.name, contact.c.city, contact.c.email):
        source = source + " " + sa.func.coalesce(column, "")
    op.execute(contact.update().values(search_text=sa.func.substr(folded(source), 1, SEARCH_TEXT_LENGTH)))


def downgrade():
    # The fold is data, not schema: the previous code reads the folded text as it is.
    pass
