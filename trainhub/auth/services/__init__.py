"""The rules of accounts, one module per concern.

``emails`` (the normalised address), ``passwords`` (the strength rule, changing one, and the
e-mailed links that set one), ``accounts`` (profiles, roles and what administrators change),
``registration`` (self-registration, invited learners), ``authentication`` (signing in and
the lock), ``organisations`` and ``user_import`` (CSV). The names the views, the command
line and other areas use are importable from here.
"""

from trainhub.auth.services.accounts import (
    AccountData,
    ProfileData,
    add_accounts_without_passwords,
    create_first_admin,
    create_user,
    set_user_active,
    update_profile,
    update_user,
)
from trainhub.auth.services.authentication import authenticate
from trainhub.auth.services.emails import check_email, find_user_by_email, normalise_email
from trainhub.auth.services.line_managers import name_line_manager, remove_line_manager
from trainhub.auth.services.organisations import save_organisation, seed_organisations
from trainhub.auth.services.passwords import (
    MAIL_AGAIN_AFTER,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    PASSWORD_LINKS,
    change_password,
    check_password_strength,
    create_password,
    make_reset_token,
    password_problem,
    request_password_reset,
    reset_password,
    send_invitation,
    send_password_link,
    user_for_reset_token,
)
from trainhub.auth.services.registration import invite_learner, register_learner
from trainhub.auth.services.user_import import (
    IMPORT_COLUMNS,
    IMPORT_EXAMPLE,
    MAX_IMPORT_ROWS,
    REQUIRED_COLUMNS,
    ImportError_,
    ImportResult,
    import_users,
)

__all__ = [
    "IMPORT_COLUMNS",
    "IMPORT_EXAMPLE",
    "MAIL_AGAIN_AFTER",
    "MAX_IMPORT_ROWS",
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "PASSWORD_LINKS",
    "REQUIRED_COLUMNS",
    "AccountData",
    "ImportError_",
    "ImportResult",
    "ProfileData",
    "add_accounts_without_passwords",
    "authenticate",
    "change_password",
    "check_email",
    "check_password_strength",
    "create_first_admin",
    "create_password",
    "create_user",
    "find_user_by_email",
    "import_users",
    "invite_learner",
    "make_reset_token",
    "name_line_manager",
    "normalise_email",
    "password_problem",
    "register_learner",
    "remove_line_manager",
    "request_password_reset",
    "reset_password",
    "save_organisation",
    "seed_organisations",
    "send_invitation",
    "send_password_link",
    "set_user_active",
    "update_profile",
    "update_user",
    "user_for_reset_token",
]
