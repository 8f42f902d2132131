"""The data version that cached statistics are kept under.

One row whose token changes at every commit that changes what the statistics read
(trainhub/data_version.py), so a worker can keep a period's figures until then. The row is
written here with a first random token; the app only ever updates it.

Revision ID: 0009_data_version
Revises: 0008_user_sessions
Create Date: 2026-12-06 16:40:00.000000

"""
import secrets
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_data_version'
down_revision = '0008_user_sessions'
branch_labels = None
depends_on = None


def upgrade():
    data_versions = op.create_table('data_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_versions'))
    )
    op.bulk_insert(
        data_versions,
        [{'id': 1, 'token': secrets.token_hex(16), 'changed_at': datetime.now(timezone.utc)}],
    )


def downgrade():
    op.drop_table('data_versions')
