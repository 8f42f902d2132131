"""The follow-up impact survey (R34): who was asked about which completion (sent, reminded,
answered) and, unlinked from them, the anonymous answers.

Revision ID: 0028_impact_survey
Revises: 0027_sessions_events
Create Date: 2026-12-07 04:37:54.566717

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028_impact_survey'
down_revision = "0027_sessions_events"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('impact_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_impact_responses_course_id_courses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impact_responses'))
    )
    with op.batch_alter_table('impact_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_impact_responses_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_impact_responses_submitted_on'), ['submitted_on'], unique=False)

    op.create_table('impact_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['impact_responses.id'], name=op.f('fk_impact_answers_response_id_impact_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impact_answers'))
    )
    with op.batch_alter_table('impact_answers', schema=None) as batch_op:
        batch_op.create_index('ix_impact_answers_response_id_key', ['response_id', 'key', 'value'], unique=False)

    op.create_table('impact_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('completion_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('responded', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('reminders_sent', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['completion_id'], ['completions.id'], name=op.f('fk_impact_requests_completion_id_completions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_impact_requests_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_impact_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impact_requests')),
    sa.UniqueConstraint('completion_id', name=op.f('uq_impact_requests_completion_id'))
    )
    with op.batch_alter_table('impact_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_impact_requests_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('impact_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_impact_requests_user_id'))

    op.drop_table('impact_requests')
    with op.batch_alter_table('impact_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_impact_answers_response_id_key')

    op.drop_table('impact_answers')
    with op.batch_alter_table('impact_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_impact_responses_submitted_on'))
        batch_op.drop_index(batch_op.f('ix_impact_responses_course_id'))

    op.drop_table('impact_responses')
