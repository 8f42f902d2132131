"""Reading a history spreadsheet (CSV or XLSX) into drafts, with every problem on its line.

The rules are the account import's: the header names its columns (any case, trimmed), a
missing or unknown column is reported at once, every row is read before anything is
recorded, blank rows are ignored, and a file holds at most ``MAX_ROWS`` rows. A cell that
cannot be read (a bad date, an unknown ``attended``) is a problem on its line; the rules
about what the row means (a course that exists, a date in the past) are the services'.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from flask_babel import gettext as _

from trainhub.feedback.models import RATING
from trainhub.feedback.services.questionnaire import current_questionnaire
from trainhub.history.services.drafts import (
    AttendeeDraft,
    AwardDraft,
    CohortDraft,
    CompletionDraft,
    DayDraft,
    FeedbackDraft,
)
from trainhub.history.services.outcome import Problem
from trainhub.spreadsheets import csv_text

#: The most rows a file may hold (as for accounts).
MAX_ROWS: Final = 20000
#: The most an XLSX file may unpack to: a spreadsheet of history is far smaller.
MAX_UNPACKED: Final = 100 * 1024 * 1024

COHORT_COLUMNS: Final = (
    "course_code",
    "cohort_title",
    "day_number",
    "date",
    "start",
    "end",
    "venue",
    "facilitators",
    "partner",
    "attendee_email",
    "attendee_name",
    "attended",
    # Optional, last so that files made for the columns before still line up.
    "attendee_organisation",
)
COMPLETION_COLUMNS: Final = ("email", "full_name", "course_code", "completed_on", "organisation")
AWARD_COLUMNS: Final = (
    "email",
    "full_name",
    "level",
    "awarded_on",
    "assessor",
    "old_certificate_number",
    "organisation",
)
#: The feedback columns before and after one column per statement key.
FEEDBACK_FIRST: Final = ("course_code", "cohort_first_day")
FEEDBACK_LAST: Final = ("comment", "consent_to_quote")

REQUIRED: Final[dict[str, tuple[str, ...]]] = {
    "cohorts": (
        "course_code",
        "cohort_title",
        "day_number",
        "date",
        "start",
        "end",
        "venue",
        "attendee_email",
        "attended",
    ),
    "completions": ("email", "course_code", "completed_on"),
    "awards": ("email", "level", "awarded_on"),
    "feedback": ("course_code", "cohort_first_day"),
}

#: What ``attended`` may say, and the attendance mark it stands for.
ATTENDED_VALUES: Final = {
    "yes": "present",
    "no": "absent",
    "late": "late",
    "left early": "left_early",
}

_EXAMPLES: Final[dict[str, dict[str, str]]] = {
    "cohorts": {
        "course_code": "FFI-3DAY",
        "cohort_title": "Family Focused Interventions — May 2016",
        "day_number": "1",
        "date": "2016-05-10",
        "start": "09:30",
        "end": "16:30",
        "venue": "Llandaff Training Centre",
        "facilitators": "Carys Example;Owain Example",
        "partner": "",
        "attendee_email": "sam.example@example.org",
        "attendee_name": "Sam Example",
        "attendee_organisation": "",
        "attended": "yes",
    },
    "completions": {
        "email": "sam.example@example.org",
        "full_name": "Sam Example",
        "organisation": "",
        "course_code": "IFSS-CORE",
        "completed_on": "2014-05-12",
    },
    "awards": {
        "email": "sam.example@example.org",
        "full_name": "Sam Example",
        "organisation": "",
        "level": "2",
        "awarded_on": "2016-09-20",
        "assessor": "Alex Example",
        "old_certificate_number": "L2-2016-0042",
    },
    "feedback": {
        "course_code": "FFI-3DAY",
        "cohort_first_day": "2016-05-10",
        "comment": "Very useful training.",
        "consent_to_quote": "no",
    },
}

_DATE_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::00)?")
_LEVEL = re.compile(r"(?:level\s*)?(\d+)", re.IGNORECASE)


def statement_keys() -> list[str]:
    """The rating statements of the questionnaire in use, in its order."""
    return [i.key for i in current_questionnaire().items if i.kind == RATING]


def columns(kind: str) -> tuple[str, ...]:
    """The columns of ``kind``'s template, in order."""
    if kind == "cohorts":
        return COHORT_COLUMNS
    if kind == "completions":
        return COMPLETION_COLUMNS
    if kind == "awards":
        return AWARD_COLUMNS
    return (*FEEDBACK_FIRST, *statement_keys(), *FEEDBACK_LAST)


def template_csv(kind: str) -> str:
    """``kind``'s template: the header and one example row."""
    header = columns(kind)
    example = _EXAMPLES[kind]
    return csv_text(header, [[example.get(name, "4") for name in header]])


class FileRefused(Exception):
    """The file is not a CSV or XLSX file trainhub can read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_xlsx(filename: str, data: bytes) -> bool:
    return filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04"


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(
            _(
                "The file is not saved as UTF-8: save it again as “CSV UTF-8 (comma delimited)” "
                "and upload it again"
            )
        ) from error
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as error:
        raise FileRefused(
            _("The file could not be read as CSV: %(error)s", error=str(error))
        ) from error


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
        if unpacked > MAX_UNPACKED:
            raise FileRefused(_("The workbook is too large to read"))
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise FileRefused(_("The file could not be read as an XLSX workbook")) from error
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


def raw_rows(filename: str, data: bytes) -> Iterator[list[Any]]:
    """The file's rows as cell values, the header first (:raises FileRefused:)."""
    if is_xlsx(filename, data):
        return _xlsx_rows(data)
    if filename.lower().endswith((".xls", ".ods", ".numbers")):
        raise FileRefused(_("Save the spreadsheet as CSV or XLSX and upload it again"))
    return _csv_rows(data)


def count_rows(filename: str, data: bytes) -> int:
    """Roughly how many data rows the file has, for a progress bar."""
    if is_xlsx(filename, data):
        try:
            return sum(1 for _row in raw_rows(filename, data)) - 1
        except FileRefused:
            return 0
    return max(data.count(b"\n") - 1, 0)


# Cells ---------------------------------------------------------------------------------


class CellProblem(ValueError):
    """A cell that cannot be read; its message names the column and the value."""


def text(value: Any) -> str:
    """A cell as trimmed text (a whole number from a spreadsheet without its ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value).strip()


def parse_date(column: str, value: Any) -> dt.date:
    """``YYYY-MM-DD``, ``DD/MM/YYYY`` or a spreadsheet's date cell."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    for pattern, order in ((_DATE_ISO, (0, 1, 2)), (_DATE_DMY, (2, 1, 0))):
        match = pattern.fullmatch(raw)
        if match:
            parts = [int(match.group(i + 1)) for i in order]
            try:
                return dt.date(parts[0], parts[1], parts[2])
            except ValueError:
                break
    raise CellProblem(
        _(
            "%(column)s “%(value)s” is not a date: write it as YYYY-MM-DD or DD/MM/YYYY",
            column=column,
            value=raw,
        )
    )


def parse_time(column: str, value: Any) -> dt.time:
    """``HH:MM`` on the 24-hour clock, or a spreadsheet's time cell."""
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    raw = text(value)
    match = _TIME.fullmatch(raw)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    raise CellProblem(
        _(
            "%(column)s “%(value)s” is not a time: write it as HH:MM, like 09:30",
            column=column,
            value=raw,
        )
    )


def parse_whole(column: str, value: Any, pattern: re.Pattern[str] | None = None) -> int:
    raw = text(value)
    match = (pattern or re.compile(r"(\d+)")).fullmatch(raw)
    if match is None or int(match.group(1)) < 1:
        raise CellProblem(
            _("%(column)s “%(value)s” is not a whole number", column=column, value=raw)
        )
    return int(match.group(1))


def parse_attended(value: Any) -> str:
    raw = text(value)
    key = " ".join(raw.lower().replace("_", " ").replace("-", " ").split())
    if key not in ATTENDED_VALUES:
        raise CellProblem(
            _("attended is “%(value)s”: write yes, no, late or left early", value=raw)
        )
    return ATTENDED_VALUES[key]


def parse_yes_no(column: str, value: Any) -> bool:
    raw = text(value)
    key = raw.lower()
    if key in ("yes", "y"):
        return True
    if key in ("no", "n", ""):
        return False
    raise CellProblem(_("%(column)s is “%(value)s”: write yes or no", column=column, value=raw))


def parse_rating(key: str, value: Any) -> int | None:
    """A rating from 1 to 5, or None for an empty cell."""
    raw = text(value)
    if not raw:
        return None
    if not re.fullmatch(r"\d+", raw) or not 1 <= int(raw) <= 5:
        raise CellProblem(
            _("the rating of %(key)s is %(value)s: ratings run from 1 to 5", key=key, value=raw)
        )
    return int(raw)


# Rows ----------------------------------------------------------------------------------


@dataclass
class Row:
    """One data row of the file, by column name."""

    line: int
    cells: dict[str, Any]
    problems: list[str] = field(default_factory=list)

    def text(self, column: str) -> str:
        return text(self.cells.get(column))

    def read(self, parse: Callable[..., Any], *args: Any) -> Any:
        """``parse(*args)``, or None after noting its problem on this row."""
        try:
            return parse(*args)
        except CellProblem as error:
            self.problems.append(str(error))
            return None

    def cell(self, column: str, parse: Callable[..., Any], *args: Any) -> Any:
        """``column`` read with ``parse(column, value, *args)``; None when the cell is empty
        (a required one is reported as empty once) or after noting its problem."""
        if not self.text(column):
            return None
        return self.read(parse, column, self.cells.get(column), *args)


@dataclass
class Sheet:
    """What a file said: its drafts, or the problems found reading it."""

    kind: str
    drafts: list[Any] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Data rows read (blank rows not counted).
    rows: int = 0


def read_sheet(
    kind: str, filename: str, data: bytes, progress: Callable[[int], None] | None = None
) -> Sheet:
    """Every row of a ``kind`` file read into drafts; the problems of every line at once."""
    sheet = Sheet(kind)
    try:
        raw = raw_rows(filename, data)
        header_cells = next(raw, None)
    except FileRefused as error:
        sheet.problems.append(Problem(None, error.message))
        return sheet
    if header_cells is None:
        sheet.problems.append(Problem(None, _("The file is empty")))
        return sheet
    header = [text(h).lower() for h in header_cells]
    known = columns(kind)
    missing = [c for c in REQUIRED[kind] if c not in header]
    unknown = [h for h in header if h and h not in known]
    if missing:
        sheet.problems.append(Problem(1, _("missing column(s): %(cols)s", cols=", ".join(missing))))
    if unknown:
        sheet.problems.append(Problem(1, _("unknown column(s): %(cols)s", cols=", ".join(unknown))))
    if missing or unknown:
        return sheet
    rows: list[Row] = []
    try:
        for line, cells in enumerate(raw, start=2):
            values = {name: cell for name, cell in zip(header, cells, strict=False) if name}
            if not any(text(v) for v in values.values()):
                continue
            if len(rows) >= MAX_ROWS:
                sheet.problems.append(
                    Problem(line, _("too many rows: import at most %(n)d at a time", n=MAX_ROWS))
                )
                break
            rows.append(Row(line, values))
            if progress:
                progress(1)
    except FileRefused as error:
        sheet.problems.append(Problem(None, error.message))
        return sheet
    sheet.rows = len(rows)
    if not rows and not sheet.problems:
        sheet.problems.append(Problem(1, _("the file has no rows to import")))
        return sheet
    for row in rows:
        for column in REQUIRED[kind]:
            if not row.text(column):
                row.problems.append(_("%(column)s is empty", column=column))
    _READERS[kind](rows, sheet)
    for row in rows:
        sheet.problems.extend(Problem(row.line, message) for message in row.problems)
    sheet.problems.sort(key=lambda p: p.line or 0)
    return sheet


def _filled(row: Row, *names: str) -> bool:
    return all(row.text(name) for name in names)


def _cohorts(rows: list[Row], sheet: Sheet) -> None:
    """A row per attendee and day, grouped into one draft per course and title."""
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        key = (row.text("course_code").upper(), " ".join(row.text("cohort_title").lower().split()))
        if all(key):
            groups.setdefault(key, []).append(row)
    for group in groups.values():
        first = group[0]
        draft = CohortDraft(
            course_code=first.text("course_code"),
            title=first.text("cohort_title"),
            facilitators=[f.strip() for f in first.text("facilitators").split(";") if f.strip()],
            partner=first.text("partner"),
            line=first.line,
        )
        days: dict[int, tuple[DayDraft, Row]] = {}
        attendees: dict[str, AttendeeDraft] = {}
        broken = False
        for row in group:
            for column in ("facilitators", "partner"):
                if row.text(column) != first.text(column):
                    row.problems.append(
                        _(
                            "%(column)s differs from line %(line)d of the same cohort",
                            column=column,
                            line=first.line,
                        )
                    )
            if not _filled(row, "day_number", "date", "start", "end", "venue"):
                broken = True
                continue
            number = row.cell("day_number", parse_whole)
            when = row.cell("date", parse_date)
            start = row.cell("start", parse_time)
            end = row.cell("end", parse_time)
            if number is None or when is None or start is None or end is None:
                broken = True
                continue
            venue = row.text("venue")
            if number not in days:
                days[number] = (DayDraft(number, when, start, end, venue, line=row.line), row)
            else:
                day, defined = days[number]
                if (day.date, day.start, day.end, day.venue) != (when, start, end, venue):
                    row.problems.append(
                        _(
                            "day %(n)d has a different date, time or venue on line %(line)d",
                            n=number,
                            line=defined.line,
                        )
                    )
            address = row.text("attendee_email")
            if not address:
                continue
            attendee = attendees.setdefault(
                address.lower(), AttendeeDraft(address, row.text("attendee_name"), line=row.line)
            )
            if not attendee.full_name:
                attendee.full_name = row.text("attendee_name")
            if not attendee.organisation:
                attendee.organisation = row.text("attendee_organisation")
            if not row.text("attended"):
                continue
            mark = row.read(parse_attended, row.cells.get("attended"))  # empty: skipped above
            if number in attendee.marks or number in attendee.lines:
                row.problems.append(
                    _(
                        "%(email)s is on day %(n)d already, on line %(line)d",
                        email=address,
                        n=number,
                        line=attendee.lines[number] or 0,
                    )
                )
                continue
            attendee.lines[number] = row.line
            if mark is not None:
                attendee.marks[number] = mark
        if broken:
            continue  # its lines' problems say why; the rest would only echo them
        draft.days = [day for day, _row in sorted(days.values(), key=lambda d: d[0].day_number)]
        draft.attendees = list(attendees.values())
        sheet.drafts.append(draft)


def _completions(rows: list[Row], sheet: Sheet) -> None:
    for row in rows:
        when = row.cell("completed_on", parse_date)
        if when is None or not _filled(row, *REQUIRED["completions"]):
            continue
        sheet.drafts.append(
            CompletionDraft(
                email=row.text("email"),
                full_name=row.text("full_name"),
                organisation=row.text("organisation"),
                course_code=row.text("course_code"),
                completed_on=when,
                line=row.line,
            )
        )


def _awards(rows: list[Row], sheet: Sheet) -> None:
    for row in rows:
        level = row.cell("level", parse_whole, _LEVEL)
        when = row.cell("awarded_on", parse_date)
        if level is None or when is None or not row.text("email"):
            continue
        sheet.drafts.append(
            AwardDraft(
                email=row.text("email"),
                full_name=row.text("full_name"),
                organisation=row.text("organisation"),
                level=level,
                awarded_on=when,
                assessor=row.text("assessor"),
                old_certificate_number=row.text("old_certificate_number"),
                line=row.line,
            )
        )


def _feedback(rows: list[Row], sheet: Sheet) -> None:
    keys = [k for k in columns("feedback") if k not in (*FEEDBACK_FIRST, *FEEDBACK_LAST)]
    for row in rows:
        first_day = row.cell("cohort_first_day", parse_date)
        ratings: dict[str, int] = {}
        for key in keys:
            value = row.read(parse_rating, key, row.cells.get(key))
            if value is not None:
                ratings[key] = value
        consent = row.read(parse_yes_no, "consent_to_quote", row.cells.get("consent_to_quote"))
        if first_day is None or not row.text("course_code"):
            continue
        sheet.drafts.append(
            FeedbackDraft(
                course_code=row.text("course_code"),
                cohort_first_day=first_day,
                ratings=ratings,
                comment=row.text("comment"),
                consent_to_quote=bool(consent),
                line=row.line,
            )
        )


_READERS: Final[dict[str, Callable[[list[Row], Sheet], None]]] = {
    "cohorts": _cohorts,
    "completions": _completions,
    "awards": _awards,
    "feedback": _feedback,
}
