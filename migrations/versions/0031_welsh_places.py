"""Content in Welsh, second slice (Welsh Language Standards, issue 20): a nullable Welsh column
beside a cohort's title, a venue's name and access notes, and an organisation's name. Empty
until someone writes the Welsh: nothing is machine-translated. A cohort still called by its
course's English title is given the course's Welsh title (the same title, written already).

Revision ID: 0031_welsh_places
Revises: 0030_welsh_content
Create Date: 2026-12-07 07:25:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0031_welsh_places"
down_revision = "0030_welsh_content"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cohorts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_cy", sa.String(length=300), nullable=True))
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_cy", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("accessibility_notes_cy", sa.Text(), nullable=True))
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_cy", sa.String(length=200), nullable=True))
    # A cohort named after its course (as one is when scheduled) is shown in Welsh as the
    # course is; a title of its own waits for its own Welsh. Plain SQL both backends run.
    op.execute(
        "UPDATE cohorts SET title_cy = ("
        " SELECT courses.title_cy FROM courses WHERE courses.id = cohorts.course_id)"
        " WHERE EXISTS ("
        " SELECT 1 FROM courses WHERE courses.id = cohorts.course_id"
        " AND courses.title = cohorts.title"
        " AND courses.title_cy IS NOT NULL AND TRIM(courses.title_cy) <> '')"
    )


def downgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("name_cy")
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.drop_column("accessibility_notes_cy")
        batch_op.drop_column("name_cy")
    with op.batch_alter_table("cohorts", schema=None) as batch_op:
        batch_op.drop_column("title_cy")
