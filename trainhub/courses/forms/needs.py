"""Access and dietary needs: at booking, and changed later from the booking page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from trainhub.courses.services.needs import DETAILS_MAX
from trainhub.forms import Checkboxes, Length, Submit, TextArea

#: What each category is called, in the order of ``models.NEED_CATEGORIES``.
NEED_LABELS = {
    "step_free": _l("Step-free access"),
    "hearing_loop": _l("A hearing loop"),
    "bsl_interpreter": _l("A British Sign Language (BSL) interpreter"),
    "welsh_interpreter": _l("A Welsh interpreter"),
    "accessible_materials": _l("Large print or other accessible materials"),
    "vegetarian": _l("Vegetarian food"),
    "vegan": _l("Vegan food"),
    "halal": _l("Halal food"),
    "gluten_free": _l("Gluten-free food"),
    "allergy": _l("A food allergy"),
    "other": _l("Something else"),
}


class NeedsFieldsMixin:
    """The two optional fields, on the booking form and on the form that changes them."""

    categories = Checkboxes(
        _l("Access and dietary needs (optional)"),
        description=_l("Select all that apply."),
        choices=list(NEED_LABELS.items()),
        validate_choice=True,
    )
    details = TextArea(
        _l("Anything else we should know (optional)"),
        description=_l(
            "For example, what you are allergic to, or what would help you take part. "
            "Do not include anything you would not want the trainers to know."
        ),
        validators=[Length(max=DETAILS_MAX)],
    )


class BookingForm(NeedsFieldsMixin, FlaskForm):
    """Book a place (or ask for one, or join the waiting list), with any needs."""

    submit = Submit(_l("Book a place"))


class NeedsForm(NeedsFieldsMixin, FlaskForm):
    submit = Submit(_l("Save your needs"))


class NeedsRemoveForm(FlaskForm):
    submit = Submit(_l("Remove your needs"))
