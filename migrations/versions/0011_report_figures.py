"""Report figures: whether a year's report shows what remains of its allocation.

Every year recorded already keeps showing it (the server default), as before.

Revision ID: 0011_report_figures
Revises: 0010_history
Create Date: 2026-12-06 21:51:11.027665

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_report_figures'
down_revision = '0010_history'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('training_budgets', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('show_remaining', sa.Boolean(), server_default='1', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('training_budgets', schema=None) as batch_op:
        batch_op.drop_column('show_remaining')
