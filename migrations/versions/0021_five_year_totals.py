"""Derived figures for the five-year view: who attended each cohort (one row per person and
cohort with an attended mark on any of its days, make-ups included), and each feedback
response's count and sum of ratings (in the index on its cohort, read alone). Both are filled here from the registers and answers
already recorded; the services keep them in step from now on.

Revision ID: 0021_five_year_totals
Revises: 0020_lead_exceptions
Create Date: 2026-12-07 02:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_five_year_totals'
down_revision = '0020_lead_exceptions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cohort_attendees',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_attendees_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cohort_attendees_user_id_users')),
    sa.PrimaryKeyConstraint('cohort_id', 'user_id', name=op.f('pk_cohort_attendees'))
    )
    with op.batch_alter_table('feedback_responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rating_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('rating_total', sa.Integer(), server_default='0', nullable=False))
    # The same rules as trainhub.courses.models.ATTENDED and the five-year view's ratings.
    op.execute(
        "INSERT INTO cohort_attendees (cohort_id, user_id) "
        "SELECT DISTINCT cohort_days.cohort_id, attendances.user_id FROM attendances "
        "JOIN cohort_days ON cohort_days.id = attendances.cohort_day_id "
        "WHERE attendances.status IN ('present', 'late', 'left_early')"
    )
    ratings = (
        "FROM feedback_answers JOIN questionnaire_items "
        "ON questionnaire_items.id = feedback_answers.item_id "
        "WHERE feedback_answers.response_id = feedback_responses.id "
        "AND questionnaire_items.kind = 'rating'"
    )
    op.execute(
        "UPDATE feedback_responses SET "
        f"rating_count = (SELECT count(feedback_answers.rating) {ratings}), "
        f"rating_total = (SELECT coalesce(sum(feedback_answers.rating), 0) {ratings})"
    )
    # A cohort's responses with their ratings, read from the index alone.
    with op.batch_alter_table('feedback_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_responses_cohort_id'))
        batch_op.create_index('ix_feedback_responses_cohort_id_ratings', ['cohort_id', 'rating_count', 'rating_total'], unique=False)


def downgrade():
    with op.batch_alter_table('feedback_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_responses_cohort_id_ratings')
        batch_op.create_index(batch_op.f('ix_feedback_responses_cohort_id'), ['cohort_id'], unique=False)
        batch_op.drop_column('rating_total')
        batch_op.drop_column('rating_count')
    op.drop_table('cohort_attendees')
