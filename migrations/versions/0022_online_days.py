"""Online and hybrid cohort days: a day's mode (in person, online, hybrid), its venue now
optional (none for an online day), the platform, meeting link and dial-in of online and
hybrid days, and each cohort's hours before a day from which learners see the link.
Every existing day is in person at its venue.

Revision ID: 0022_online_days
Revises: 0021_five_year_totals
Create Date: 2026-12-07 04:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_online_days'
down_revision = "0021_five_year_totals"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cohort_days', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=10), server_default='in_person', nullable=False))
        batch_op.add_column(sa.Column('platform', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('meeting_url', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('dial_in_phone', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('dial_in_code', sa.String(length=100), server_default='', nullable=False))
        batch_op.alter_column('venue_id', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_shown_hours', sa.Integer(), server_default='24', nullable=False))


def downgrade():
    # An online day has no venue to go back to: refuse rather than invent one.
    bind = op.get_bind()
    online = bind.execute(sa.text("SELECT count(*) FROM cohort_days WHERE venue_id IS NULL")).scalar()
    if online:
        raise RuntimeError(f"{online} online cohort days have no venue: give them one first")
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_column('link_shown_hours')
    with op.batch_alter_table('cohort_days', schema=None) as batch_op:
        batch_op.alter_column('venue_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('dial_in_code')
        batch_op.drop_column('dial_in_phone')
        batch_op.drop_column('meeting_url')
        batch_op.drop_column('platform')
        batch_op.drop_column('mode')
