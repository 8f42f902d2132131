"""Authenticator secrets sealed at rest: ``two_factor_authenticators.secret`` (base32, readable)
becomes ``secret_sealed`` (``trainhub.sealing``, under the running app's SECRET_KEY).

Existing secrets are sealed here, so nobody has to set up their app again. Run it with the
production settings (``TRAINHUB_SECRET_KEY``): secrets sealed under another key cannot be read
by the running app. Downgrading opens them again (with the same key).

Revision ID: 0019_sealed_totp
Revises: 0018_badge_links
Create Date: 2026-12-07 03:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from trainhub import sealing

#: The purpose the secrets are sealed for, as ``trainhub.auth.models.TOTP_SEALING`` was when
#: this migration was written (a migration never follows the code's later changes).
TOTP_SEALING = "trainhub two-step verification secret"


# revision identifiers, used by Alembic.
revision = '0019_sealed_totp'
down_revision = '0018_badge_links'
branch_labels = None
depends_on = None

_table = sa.table(
    'two_factor_authenticators',
    sa.column('user_id', sa.Integer()),
    sa.column('secret', sa.String()),
    sa.column('secret_sealed', sa.Text()),
)


def upgrade():
    with op.batch_alter_table('two_factor_authenticators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret_sealed', sa.Text(), nullable=True))
    connection = op.get_bind()
    for user_id, secret in connection.execute(sa.select(_table.c.user_id, _table.c.secret)):
        connection.execute(
            _table.update()
            .where(_table.c.user_id == user_id)
            .values(secret_sealed=sealing.seal(secret, TOTP_SEALING))
        )
    with op.batch_alter_table('two_factor_authenticators', schema=None) as batch_op:
        batch_op.alter_column('secret_sealed', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('secret')


def downgrade():
    with op.batch_alter_table('two_factor_authenticators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret', sa.String(length=64), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(_table.c.user_id, _table.c.secret_sealed)).all()
    for user_id, sealed in rows:
        connection.execute(
            _table.update()
            .where(_table.c.user_id == user_id)
            .values(secret=sealing.unseal(sealed, TOTP_SEALING))
        )
    with op.batch_alter_table('two_factor_authenticators', schema=None) as batch_op:
        batch_op.alter_column('secret', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('secret_sealed')
