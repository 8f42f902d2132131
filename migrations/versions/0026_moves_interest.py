"""Learners' interest in a course without dates (issue 21): one row per request, told once
when a matching cohort is published. Moving a cancelled cohort's learners needs no table:
their booking events record the move.

Revision ID: 0026_moves_interest
Revises: 0025_line_managers
Create Date: 2026-12-07 04:50:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0026_moves_interest"
down_revision = "0025_line_managers"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "course_interests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("local_authority", sa.String(length=40), nullable=True),
        sa.Column("language", sa.String(length=10), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("told_cohort_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_interests_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["told_cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_course_interests_told_cohort_id_cohorts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_course_interests_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_interests")),
    )
    with op.batch_alter_table("course_interests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_course_interests_course_id_told_at", ["course_id", "told_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_course_interests_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("course_interests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_interests_user_id"))
        batch_op.drop_index("ix_course_interests_course_id_told_at")
    op.drop_table("course_interests")
