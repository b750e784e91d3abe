"""contact list indexes: (column, no.) for sorting, trigram index for the search

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 19:31:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# (name, old columns, new columns): the list sorts by the column with no. as tie-breaker.
SORT_INDEXES = [
    ("ix_contact_name", ["name"], ["name", "no"]),
    ("ix_contact_city", ["city"], ["city", "no"]),
    ("ix_contact_post_code", ["post_code"], ["post_code", "no"]),
    ("ix_contact_salesperson_code", ["salesperson_code"], ["salesperson_code", "no"]),
]


def upgrade():
    with op.batch_alter_table("contact", schema=None) as batch_op:
        for name, _old, new in SORT_INDEXES:
            batch_op.drop_index(name)
            batch_op.create_index(name, new, unique=False)
    if op.get_bind().dialect.name == "sqlite":
        # No trigram index on SQLite: an empty partial index keeps models and schema alike.
        op.execute("CREATE INDEX ix_contact_search_text_trgm ON contact (search_text) WHERE 0")
    else:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_contact_search_text_trgm ON contact USING gin (search_text gin_trgm_ops)")


def downgrade():
    op.execute("DROP INDEX ix_contact_search_text_trgm")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        for name, old, _new in SORT_INDEXES:
            batch_op.drop_index(name)
            batch_op.create_index(name, old, unique=False)
