"""Content in Welsh (Welsh Language Standards, issue 20): a nullable Welsh column beside each
text a reader sees of a course (title, summary, audience, aims, description, themes, context,
agenda topics and items, units and outcomes)
and of an accreditation level (title, outcomes). Empty until someone writes the Welsh: the
framework's content is never machine-translated.

Revision ID: 0030_welsh_content
Revises: 0029_glossary
Create Date: 2026-12-07 06:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0030_welsh_content"
down_revision = "0029_glossary"
branch_labels = None
depends_on = None

COURSE_TEXTS = (
    "summary_cy",
    "audience_note_cy",
    "aims_intro_cy",
    "aims_cy",
    "description_cy",
    "themes_cy",
    "context_note_cy",
)

#: The Welsh of a course's agenda topics and items, units and outcomes.
CHILD_TEXTS = (
    ("agenda_topics", "title_cy"),
    ("agenda_items", "text_cy"),
    ("course_units", "title_cy"),
    ("course_outcomes", "text_cy"),
)


def upgrade():
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_cy", sa.String(length=300), nullable=True))
        for name in COURSE_TEXTS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))
    for table, name in CHILD_TEXTS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))
    with op.batch_alter_table("accreditation_levels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_cy", sa.String(length=300), nullable=True))
    with op.batch_alter_table("level_outcomes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_cy", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("level_outcomes", schema=None) as batch_op:
        batch_op.drop_column("text_cy")
    with op.batch_alter_table("accreditation_levels", schema=None) as batch_op:
        batch_op.drop_column("title_cy")
    for table, name in reversed(CHILD_TEXTS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(name)
    with op.batch_alter_table("courses", schema=None) as batch_op:
        for name in reversed(COURSE_TEXTS):
            batch_op.drop_column(name)
        batch_op.drop_column("title_cy")
