"""The report's narrative in Welsh (Welsh Language Standards, issue 20): a nullable Welsh
text beside each section's English, and the Welsh frozen beside the English when a year is
published (None for years published before: their Welsh report shows the English).

Revision ID: 0032_welsh_narrative
Revises: 0031_welsh_places
Create Date: 2026-12-07 07:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0032_welsh_narrative"
down_revision = "0031_welsh_places"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("report_narratives", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_cy", sa.Text(), nullable=True))
    with op.batch_alter_table("report_snapshots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("narrative_cy", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("report_snapshots", schema=None) as batch_op:
        batch_op.drop_column("narrative_cy")
    with op.batch_alter_table("report_narratives", schema=None) as batch_op:
        batch_op.drop_column("text_cy")
