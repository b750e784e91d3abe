"""stored sessions that sign-out ends, and sign-in failures per address and name

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 17:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("client_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_user_session_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_session_token_hash")),
    )
    op.create_index(op.f("ix_user_session_user_id"), "user_session", ["user_id"], unique=False)
    op.create_index(op.f("ix_user_session_created_at"), "user_session", ["created_at"], unique=False)
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=False),
        sa.Column("username", sa.String(length=50), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failure")),
        sa.UniqueConstraint("address", "username", name=op.f("uq_sign_in_failure_address")),
    )
    op.create_index(op.f("ix_sign_in_failure_last_failed_at"), "sign_in_failure", ["last_failed_at"], unique=False)
    # The per-user counters are replaced by sign_in_failure (per address and name).
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("last_failed_login_at")
        batch_op.drop_column("failed_logins")


def downgrade():
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("last_failed_login_at", sa.DateTime(timezone=True), nullable=True))
    op.drop_index(op.f("ix_sign_in_failure_last_failed_at"), table_name="sign_in_failure")
    op.drop_table("sign_in_failure")
    op.drop_index(op.f("ix_user_session_created_at"), table_name="user_session")
    op.drop_index(op.f("ix_user_session_user_id"), table_name="user_session")
    op.drop_table("user_session")
