"""The catalogue (courses, agendas, outcomes) and venues; cohorts and booking come next."""

from trainhub.courses.views import bp

__all__ = ["bp"]
