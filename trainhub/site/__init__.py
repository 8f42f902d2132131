"""The pages every public service has: privacy notice, accessibility statement, cookies, help
and contact."""

from trainhub.site.views import bp

__all__ = ["bp"]
