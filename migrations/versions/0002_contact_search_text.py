"""contact search text and list indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 19:14:42.770454

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

SEARCH_SOURCE = "coalesce(no, '') || ' ' || coalesce(name, '') || ' ' || coalesce(city, '') || ' ' || coalesce(email, '')"
# (name, old columns, new columns): the list sorts by the column with no. as tie-breaker.
SORT_INDEXES = [
    ('ix_contact_name', ['name'], ['name', 'no']),
    ('ix_contact_city', ['city'], ['city', 'no']),
    ('ix_contact_post_code', ['post_code'], ['post_code', 'no']),
    ('ix_contact_salesperson_code', ['salesperson_code'], ['salesperson_code', 'no']),
]


def upgrade():
    bind = op.get_bind()
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.String(length=500), nullable=False, server_default=''))
        for name, old, new in SORT_INDEXES:
            batch_op.drop_index(name)
            batch_op.create_index(name, new, unique=False)
    # Fill the column for existing contacts in one statement, folded like str.casefold().
    if bind.dialect.name == 'sqlite':
        bind.connection.driver_connection.create_function('segapp_casefold', 1, lambda v: (v or '').casefold()[:500], deterministic=True)
        op.execute(f"UPDATE contact SET search_text = segapp_casefold({SEARCH_SOURCE})")
        op.execute("CREATE INDEX ix_contact_search_text_trgm ON contact (search_text) WHERE 0")
    else:
        op.execute(f"UPDATE contact SET search_text = left(lower({SEARCH_SOURCE}), 500)")
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_contact_search_text_trgm ON contact USING gin (search_text gin_trgm_ops)")


def downgrade():
    op.execute("DROP INDEX ix_contact_search_text_trgm")
    with op.batch_alter_table('contact', schema=None) as batch_op:
        for name, old, new in SORT_INDEXES:
            batch_op.drop_index(name)
            batch_op.create_index(name, old, unique=False)
        batch_op.drop_column('search_text')
