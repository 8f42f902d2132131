"""Line managers (issue 21): the one a learner names (an account, or a name and e-mail
address; not the Level 6 supervisor), their decisions on bookings for courses that ask for
them, the course's flag, and the organisation's choice to copy line managers on bookings,
cancellations and no-shows.

Revision ID: 0025_line_managers
Revises: 0024_access_needs
Create Date: 2026-12-07 04:37:20.981718

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0025_line_managers"
down_revision = "0024_access_needs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "line_managers",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("email", sa.String(length=254), server_default="", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["users.id"],
            name=op.f("fk_line_managers_manager_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_line_managers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_line_managers")),
    )
    with op.batch_alter_table("line_managers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_line_managers_manager_id"), ["manager_id"], unique=False
        )

    op.create_table(
        "line_manager_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("email", sa.String(length=254), server_default="", nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_line_manager_approvals_booking_id_bookings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["users.id"],
            name=op.f("fk_line_manager_approvals_manager_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_manager_approvals")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_line_manager_approvals_token_hash")),
    )
    with op.batch_alter_table("line_manager_approvals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_line_manager_approvals_booking_id"), ["booking_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_line_manager_approvals_manager_id"), ["manager_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_line_manager_approvals_status"), ["status"], unique=False
        )

    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("line_manager_approval", sa.Boolean(), server_default="0", nullable=False)
        )

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("copy_line_managers", sa.Boolean(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("copy_line_managers")

    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_column("line_manager_approval")

    with op.batch_alter_table("line_manager_approvals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_line_manager_approvals_status"))
        batch_op.drop_index(batch_op.f("ix_line_manager_approvals_manager_id"))
        batch_op.drop_index(batch_op.f("ix_line_manager_approvals_booking_id"))

    op.drop_table("line_manager_approvals")
    with op.batch_alter_table("line_managers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_line_managers_manager_id"))

    op.drop_table("line_managers")
