"""Access and dietary needs a learner gives for a booking (special category data, UK GDPR
article 9): a table of their own, one row per booking, deleted with the booking.

Revision ID: 0024_access_needs
Revises: 0023_joining_reminders
Create Date: 2026-12-07 04:37:06.416414

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_access_needs'
down_revision = "0023_joining_reminders"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('access_needs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('categories', sa.String(length=300), server_default='', nullable=False),
    sa.Column('details', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_access_needs_booking_id_bookings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_needs')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_access_needs_booking_id'))
    )


def downgrade():
    op.drop_table('access_needs')
