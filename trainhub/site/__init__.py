"""The pages every public service has: privacy notice, accessibility statement, cookies, help
and contact."""

from trainhub.site import welsh_views as _welsh_views  # noqa: F401  (registers its route)
from trainhub.site.views import bp

__all__ = ["bp"]
