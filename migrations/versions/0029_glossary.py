"""The glossary of the framework's terms in English and Welsh (R46, issue 20): a term, its
short form and its definition in each language, the Welsh left empty until someone writes it.

Revision ID: 0029_glossary
Revises: 0028_impact_survey
Create Date: 2026-12-07 05:40:04.352658

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0029_glossary'
down_revision = "0028_impact_survey"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('glossary_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('term_en', sa.String(length=200), nullable=False),
    sa.Column('abbreviation_en', sa.String(length=20), nullable=True),
    sa.Column('definition_en', sa.Text(), nullable=False),
    sa.Column('term_cy', sa.String(length=200), nullable=True),
    sa.Column('abbreviation_cy', sa.String(length=20), nullable=True),
    sa.Column('definition_cy', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_glossary_terms_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_glossary_terms')),
    sa.UniqueConstraint('slug', name=op.f('uq_glossary_terms_slug'))
    )


def downgrade():
    op.drop_table('glossary_terms')
