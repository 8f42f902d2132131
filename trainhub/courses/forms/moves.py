"""Forms for moving a cancelled cohort's learners and for registering interest in a course."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from trainhub.auth.choices import LOCAL_AUTHORITIES
from trainhub.forms import InputRequired, Optional, Radios, Select, Submit, choice_list

MODE_CHOICES = [
    ("book", _l("Book them: places while there are free places, then the front of the queue")),
    (
        "offer",
        _l(
            "Offer them places first: each has the cohort's time to accept, "
            "then the front of the queue"
        ),
    ),
]
INTEREST_LANGUAGE_CHOICES = [
    ("", _l("English or Welsh")),
    ("en", _l("English")),
    ("cy", _l("Welsh")),
]


class CohortMoveForm(FlaskForm):
    """Choose where a cancelled cohort's learners go, and how (choices filled by the view)."""

    target = Radios(
        _l("Move them to"),
        coerce=int,
        validators=[InputRequired(_l("Choose the cohort to move them to"))],
    )
    mode = Radios(
        _l("How"),
        choices=MODE_CHOICES,
        default="book",
        validators=[InputRequired(_l("Choose whether to book them or offer them places"))],
    )
    submit = Submit(_l("Continue"))


class InterestRegisterForm(FlaskForm):
    local_authority = Select(
        _l("Where would you like to train? (optional)"),
        description=_l("The training team counts interest by area when planning dates."),
        choices=choice_list(LOCAL_AUTHORITIES, blank=_l("Anywhere")),
        validators=[Optional()],
    )
    language = Radios(
        _l("Language of delivery"),
        choices=INTEREST_LANGUAGE_CHOICES,
        default="",
        validators=[Optional()],
    )
    submit = Submit(_l("Tell me when there are dates"))
