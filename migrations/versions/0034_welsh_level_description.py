"""An accreditation level's "who it is for" in Welsh (Welsh Language Standards): a nullable
Welsh text beside the English description, empty until someone writes it (nothing is
machine-translated).

Revision ID: 0034_welsh_level_description
Revises: 0033_bilingual_certificates
Create Date: 2026-12-07 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0034_welsh_level_description"
down_revision = "0033_bilingual_certificates"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("accreditation_levels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("description_cy", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("accreditation_levels", schema=None) as batch_op:
        batch_op.drop_column("description_cy")
