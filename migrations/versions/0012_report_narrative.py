"""The narrative of a year's report: the prose sections a manager writes (introduction,
developments and new collaborations, anything else), and the narrative frozen into a
published snapshot.

Revision ID: 0012_report_narrative
Revises: 0011_report_figures
Create Date: 2026-12-06 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_report_narrative'
# Rechained onto 0011_report_figures at the merge of issue 17's branches.
down_revision = '0011_report_figures'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_narratives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('financial_year', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_report_narratives_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_narratives')),
    sa.UniqueConstraint('financial_year', 'section', name=op.f('uq_report_narratives_financial_year'))
    )
    with op.batch_alter_table('report_snapshots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('narrative', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('report_snapshots', schema=None) as batch_op:
        batch_op.drop_column('narrative')

    op.drop_table('report_narratives')
