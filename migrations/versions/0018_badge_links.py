"""Public links to a learner's Open Badge, which they can withdraw.

Revision ID: 0018_badge_links
Revises: 0017_calendar_series
Create Date: 2026-12-07 02:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_badge_links'
down_revision = '0017_calendar_series'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('badge_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_badge_links_certificate_id_certificates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_badge_links')),
    sa.UniqueConstraint('token', name=op.f('uq_badge_links_token'))
    )
    with op.batch_alter_table('badge_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_badge_links_certificate_id'), ['certificate_id'], unique=False)
        # One live link a certificate, even when two requests race to make one.
        batch_op.create_index(
            'uq_badge_links_live',
            ['certificate_id'],
            unique=True,
            postgresql_where=sa.text('withdrawn_at IS NULL'),
            sqlite_where=sa.text('withdrawn_at IS NULL'),
        )


def downgrade():
    with op.batch_alter_table('badge_links', schema=None) as batch_op:
        batch_op.drop_index('uq_badge_links_live')
        batch_op.drop_index(batch_op.f('ix_badge_links_certificate_id'))

    op.drop_table('badge_links')
