"""The pages every public service has (privacy notice, accessibility statement, cookies,
help and contact) as administrators change them, and data-sharing agreements with partner
organisations (with their review dates).

Revision ID: 0015_site_pages
Revises: 0014_two_factor
Create Date: 2026-12-06 23:49:59.609738

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_site_pages'
down_revision = '0014_two_factor'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('data_sharing_agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('agreed_on', sa.Date(), nullable=False),
    sa.Column('review_on', sa.Date(), nullable=False),
    sa.Column('partner_contact', sa.String(length=300), server_default='', nullable=False),
    sa.Column('notes', sa.Text(), server_default='', nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_data_sharing_agreements_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_data_sharing_agreements_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_sharing_agreements'))
    )
    with op.batch_alter_table('data_sharing_agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_sharing_agreements_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_sharing_agreements_review_on'), ['review_on'], unique=False)

    op.create_table('site_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=30), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=True),
    sa.Column('title_cy', sa.String(length=200), nullable=True),
    sa.Column('body_en', sa.Text(), nullable=True),
    sa.Column('body_cy', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_site_pages_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_pages')),
    sa.UniqueConstraint('key', name=op.f('uq_site_pages_key'))
    )


def downgrade():
    op.drop_table('site_pages')
    with op.batch_alter_table('data_sharing_agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_sharing_agreements_review_on'))
        batch_op.drop_index(batch_op.f('ix_data_sharing_agreements_organisation_id'))

    op.drop_table('data_sharing_agreements')
