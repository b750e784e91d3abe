"""campaign series starts at 1 where it was never used

Migration 0001 seeded the CAMPAIGN series at 2 because the demo data hard-coded CP0001. The demo now
takes its number from the series, so an installation whose series was never used (still at 2, with no
campaign CP0001) gets its first campaign as CP0001.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 18:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

NEVER_USED = (
    "code = 'CAMPAIGN' AND prefix = 'CP' AND width = 4 AND next_number = {number}"
    " AND NOT EXISTS (SELECT 1 FROM campaign WHERE campaign.no = 'CP0001')"
)


def upgrade():
    op.execute("UPDATE number_series SET next_number = 1 WHERE " + NEVER_USED.format(number=2))


def downgrade():
    op.execute("UPDATE number_series SET next_number = 2 WHERE " + NEVER_USED.format(number=1))
