"""Bilingual certificates (issue 20): each certificate keeps its achievement and issuer in
Welsh as printed, beside the English; a public badge link keeps the language its learner
chose for the badge.

Certificates issued before keep no Welsh issuer (their Welsh side shows the English one,
marked as English). Their Welsh achievement is filled from the course's or level's Welsh title
where one is written and the English printed is still the course's or level's title.

Revision ID: 0033_bilingual_certificates
Revises: 0032_welsh_narrative
Create Date: 2026-12-07 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0033_bilingual_certificates"
down_revision = "0032_welsh_narrative"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("achievement_cy", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("issuer_cy", sa.String(length=200), nullable=True))
    with op.batch_alter_table("badge_links", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=2), server_default="en", nullable=False)
        )
    op.execute(
        """
        UPDATE certificates SET achievement_cy = (
            SELECT courses.title_cy FROM courses
            WHERE courses.id = certificates.course_id AND courses.title = certificates.achievement
              AND TRIM(COALESCE(courses.title_cy, '')) <> ''
        )
        WHERE kind = 'course' AND course_id IS NOT NULL
        """
    )
    # A level's certificate says "Level 3: <title>"; in Welsh "Lefel 3: <title>".
    op.execute(
        """
        UPDATE certificates SET achievement_cy = (
            SELECT 'Lefel ' || CAST(l.number AS VARCHAR(10)) || ': ' || l.title_cy
            FROM accreditation_levels AS l
            WHERE l.id = certificates.level_id
              AND certificates.achievement
                  = 'Level ' || CAST(l.number AS VARCHAR(10)) || ': ' || l.title
              AND TRIM(COALESCE(l.title_cy, '')) <> ''
        )
        WHERE kind = 'level' AND level_id IS NOT NULL
        """
    )


def downgrade():
    with op.batch_alter_table("badge_links", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_column("issuer_cy")
        batch_op.drop_column("achievement_cy")
