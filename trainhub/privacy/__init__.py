"""The data-protection lifecycle (UK GDPR): a copy of a person's data, erasure, and the
retention schedule with its daily purge. It reads every area below it; nothing imports it."""

from flask_babel import lazy_gettext as _l

from trainhub import audit
from trainhub.privacy.views import bp

for _action, _label in (
    ("privacy.own_data", _l("Own data downloaded")),
    ("privacy.subject_access", _l("Subject-access export")),
    ("privacy.erasure", _l("Person erased")),
    ("privacy.retention_purge", _l("Retention purge")),
):
    audit.describe(_action, _label)

__all__ = ["bp"]
