"""interaction log entry indexes ending in entry_no: every filter of the entries page reads its page by keyset

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28 10:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# (name, old columns or None for a new index, new columns): the entries page filters on the column and
# reads the entries in entry no. order from the point where the previous page stopped.
KEYSET_INDEXES = [
    ("ix_interaction_log_entry_logged_segment", ["logged_segment_entry_no"], ["logged_segment_entry_no", "entry_no"]),
    ("ix_interaction_log_entry_segment_no", ["segment_no"], ["segment_no", "entry_no"]),
    ("ix_interaction_log_entry_campaign", ["campaign_no"], ["campaign_no", "entry_no"]),
    ("ix_interaction_log_entry_template", ["interaction_template_code"], ["interaction_template_code", "entry_no"]),
    ("ix_interaction_log_entry_date", ["date"], ["date", "entry_no"]),
    ("ix_interaction_log_entry_delivery", ["delivery_status"], ["delivery_status", "entry_no"]),
    ("ix_interaction_log_entry_contact", None, ["contact_no", "entry_no"]),
    ("ix_interaction_log_entry_evaluation", None, ["evaluation", "entry_no"]),
    ("ix_interaction_log_entry_cancelled", None, ["cancelled", "entry_no"]),
]


def upgrade():
    with op.batch_alter_table("interaction_log_entry", schema=None) as batch_op:
        for name, old, new in KEYSET_INDEXES:
            if old is not None:
                batch_op.drop_index(name)
            batch_op.create_index(name, new, unique=False)


def downgrade():
    with op.batch_alter_table("interaction_log_entry", schema=None) as batch_op:
        for name, old, _new in KEYSET_INDEXES:
            batch_op.drop_index(name)
            if old is not None:
                batch_op.create_index(name, old, unique=False)
