"""Word field codes: ``{ PAGE }`` and ``{ REF … }`` are harmless, ``{ DDEAUTO … }`` runs a
command and ``{ INCLUDETEXT … }`` fetches another file when the document is opened or its
fields updated.

Word keeps an instruction in ``w:fldSimple/@w:instr``, or in ``w:instrText`` runs (and
``w:delInstrText`` in a tracked deletion) between a ``w:fldChar`` begin and its separate,
split over runs and nested. Word is lenient about how a name is written (in quotes, after a
backslash), so the names are looked for as whole words anywhere in an instruction; and a field
whose name is made by another field inside it (``{ {QUOTE 68 68 69 …} c:\\…}``) is refused
whatever the inner field says.
"""

from __future__ import annotations

import re

from trainhub.uploads.links import is_safe_link
from trainhub.uploads.refusals import Reason, Refused
from trainhub.uploads.xmlscan import attribute

#: Fields that run a command or bring in another file.
_FIELDS = frozenset(
    {"DDE", "DDEAUTO", "INCLUDETEXT", "INCLUDEPICTURE", "INCLUDE", "LINK", "IMPORT", "MACROBUTTON"}
)
#: Quotes Word takes around a field's arguments: straight, and curly as Word types them.
_QUOTES = '"\u201c\u201d\u201e'
#: The words of an instruction: what is between white space, quotes and backslashes.
_WORDS = re.compile("[^\\s\\\\{}" + _QUOTES + "]+")
#: The instruction so far has a whole first word (the field's name) and what follows it.
_NAMED = re.compile("[\\s\\\\" + _QUOTES + "]*[^\\s\\\\" + _QUOTES + "]+[\\s" + _QUOTES + "]")
#: A field's arguments: "quoted" or bare.
_ARGUMENT = re.compile(r"\"([^\"]*)\"|([^\s\"]+)")
#: HYPERLINK switches followed by a value: \l bookmark, \o tooltip, \t target frame.
_SWITCHES_WITH_VALUE = frozenset({"\\l", "\\o", "\\t"})


def check_instruction(instruction: str) -> None:
    """Refuse an instruction that names a field that runs or fetches something anywhere in
    it, or a HYPERLINK field that opens a file or a program."""
    words = [word.upper() for word in _WORDS.findall(instruction)]
    if any(word in _FIELDS for word in words):
        raise Refused(Reason.FIELDS, instruction.strip()[:80])
    if words and words[0] == "HYPERLINK":
        address = _hyperlink_address(instruction)
        if address is not None and not is_safe_link(address):
            raise Refused(Reason.UNSAFE_LINK, f"HYPERLINK {address[:80]}")


def _hyperlink_address(instruction: str) -> str | None:
    """The address a HYPERLINK field opens (None when it only goes to a bookmark)."""
    arguments = [
        (match.group(1), True) if match.group(1) is not None else (match.group(2), False)
        for match in _ARGUMENT.finditer(instruction)
    ]
    skip = False
    for value, quoted in arguments[1:]:
        if skip:
            skip = False
        elif not quoted and value.startswith("\\"):
            skip = value.casefold() in _SWITCHES_WITH_VALUE
        else:
            return value.replace("\\\\", "\\")  # Word doubles backslashes in quotes
    return None


def _check_nesting(outer: str) -> None:
    """A field begins inside the instruction ``outer`` (so far): refused when it makes the
    outer field's name, or a HYPERLINK's address (whose target cannot then be judged)."""
    if not _NAMED.match(outer):
        raise Refused(Reason.FIELDS, "a field named by the field inside it")
    if _WORDS.findall(outer)[0].upper() == "HYPERLINK":
        raise Refused(Reason.UNSAFE_LINK, "a HYPERLINK made by the field inside it")


class Fields:
    """The field instructions of one XML part, as it is read."""

    def __init__(self) -> None:
        self.open: list[list[str]] = []
        self.done: list[bool] = []
        self.loose: list[str] = []
        self.in_instruction = False

    def start(self, local: str, attributes: dict[str, str]) -> None:
        if local == "fldSimple":
            check_instruction(attribute(attributes, "instr") or "")
        elif local == "fldChar":
            kind = attribute(attributes, "fldCharType")
            if kind == "begin":
                if self.open and not self.done[-1]:
                    _check_nesting("".join(self.open[-1]))
                self.open.append([])
                self.done.append(False)
            elif kind in ("separate", "end") and self.open:
                if not self.done[-1]:
                    check_instruction("".join(self.open[-1]))
                    self.done[-1] = True
                if kind == "end":
                    self.open.pop()
                    self.done.pop()
        elif local in ("instrText", "delInstrText"):
            self.in_instruction = True

    def end(self, local: str) -> None:
        if local in ("instrText", "delInstrText"):
            self.in_instruction = False
            if not self.open:
                check_instruction("".join(self.loose))
                self.loose.clear()

    def text(self, text: str) -> None:
        if self.in_instruction:
            (self.open[-1] if self.open else self.loose).append(text)

    def close(self) -> None:
        """The end of the part: a field left open is still a field."""
        for parts in self.open:
            check_instruction("".join(parts))
