"""Property: any agenda or set of units an editor can write survives format → parse unchanged."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from trainhub.courses.outline import format_agenda, format_units, parse_agenda, parse_units

# Text an editor might type on one line: no line breaks, not blank, not starting like a
# bullet or a day heading (those lines mean something else in the format).
line = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
        min_size=1,
        max_size=40,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(lambda s: s and s[0] not in "-*\u2022" and not s.lower().startswith(("day", "diwrnod")))
)
topic = st.fixed_dictionaries({"title": line, "items": st.lists(line, max_size=4)})
day = st.fixed_dictionaries({"topics": st.lists(topic, min_size=1, max_size=4)})
unit = st.fixed_dictionaries({"title": line, "outcomes": st.lists(line, max_size=5)})


@given(st.lists(day, min_size=1, max_size=5))
def test_agenda_round_trip(days):
    assert parse_agenda(format_agenda(days), len(days)) == days


@given(st.lists(unit, max_size=5))
def test_units_round_trip(units):
    assert parse_units(format_units(units)) == units
