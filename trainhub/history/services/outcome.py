"""What recording history returns: problems with their lines, and what was (or would be) added."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with what was given; ``line`` is the spreadsheet's (1 is the header),
    None for a form."""

    line: int | None
    message: str


@dataclass
class Outcome:
    """Every problem found (then nothing was written), or what was added and what was
    already there (a dry run lists what would be added and writes nothing)."""

    problems: list[Problem] = field(default_factory=list)
    #: One line each, in words: what was added (or would be).
    added: list[str] = field(default_factory=list)
    #: One line each: what was recorded already, so nothing was added for it.
    skipped: list[str] = field(default_factory=list)
    #: Accounts made for people not yet known (they can't sign in until invited).
    new_accounts: list[str] = field(default_factory=list)
    #: The ids of the records added (``HistoryRecord``), for the confirmation page.
    record_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(line, message))

    def sort(self) -> None:
        self.problems.sort(key=lambda p: p.line or 0)
