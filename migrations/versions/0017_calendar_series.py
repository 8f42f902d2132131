"""Calendar invitations as one recurring event per cohort: learners booked today were sent
one event per day, which their next calendar message cancels first.

Revision ID: 0017_calendar_series
Revises: 0016_data_protection
Create Date: 2026-12-07 02:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_calendar_series'
down_revision = '0016_data_protection'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_per_day', sa.Boolean(), server_default='0', nullable=False))
    bookings = sa.table(
        'bookings',
        sa.column('status', sa.String),
        sa.column('calendar_sequence', sa.Integer),
        sa.column('calendar_per_day', sa.Boolean),
    )
    # Those still booked were sent an event per day; anyone else gets no calendar message.
    op.execute(
        bookings.update()
        .where(bookings.c.status == 'booked', bookings.c.calendar_sequence > 0)
        .values(calendar_per_day=True)
    )


def downgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_column('calendar_per_day')
