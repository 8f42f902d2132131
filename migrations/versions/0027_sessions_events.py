"""Follow-up and booster sessions of a cohort with their own registers (R14), and events that
are not courses (R18): a course's event type and a cohort's kind.

Revision ID: 0027_sessions_events
Revises: 0026_moves_interest
Create Date: 2026-12-07 04:50:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0027_sessions_events'
down_revision = "0026_moves_interest"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_type', sa.String(length=20), server_default='', nullable=False))
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), server_default='course', nullable=False))
    op.create_table('follow_up_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), server_default='', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_follow_up_sessions_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_follow_up_sessions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_follow_up_sessions_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_sessions'))
    )
    with op.batch_alter_table('follow_up_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_sessions_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_sessions_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_sessions_venue_id'), ['venue_id'], unique=False)
    op.create_table('follow_up_facilitators',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['follow_up_sessions.id'], name=op.f('fk_follow_up_facilitators_session_id_follow_up_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_follow_up_facilitators_user_id_users')),
    sa.PrimaryKeyConstraint('session_id', 'user_id', name=op.f('pk_follow_up_facilitators'))
    )
    with op.batch_alter_table('follow_up_facilitators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_facilitators_user_id'), ['user_id'], unique=False)
    op.create_table('follow_up_attendances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_follow_up_attendances_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['follow_up_sessions.id'], name=op.f('fk_follow_up_attendances_session_id_follow_up_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_follow_up_attendances_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_attendances')),
    sa.UniqueConstraint('session_id', 'user_id', name=op.f('uq_follow_up_attendances_session_id'))
    )
    with op.batch_alter_table('follow_up_attendances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_attendances_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('follow_up_attendances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_attendances_user_id'))
    op.drop_table('follow_up_attendances')
    with op.batch_alter_table('follow_up_facilitators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_facilitators_user_id'))
    op.drop_table('follow_up_facilitators')
    with op.batch_alter_table('follow_up_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_sessions_venue_id'))
        batch_op.drop_index(batch_op.f('ix_follow_up_sessions_date'))
        batch_op.drop_index(batch_op.f('ix_follow_up_sessions_cohort_id'))
    op.drop_table('follow_up_sessions')
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_column('event_type')
