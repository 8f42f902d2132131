"""Reading the XML inside a document safely, as it is unpacked, with the standard library.

Office documents never need a DOCTYPE, so one is refused outright, and with it every entity
declaration: no billion laughs, no external entities, nothing fetched. (An SVG picture may
name its DTD, as drawing programs write it, but still declare nothing: expat never reads the
DTD it names.) Expat is fed the part
chunk by chunk (never the whole document in memory) and calls back with each element.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn
from xml.parsers import expat

StartHandler = Callable[[str, str, dict[str, str]], None]
EndHandler = Callable[[str, str], None]
TextHandler = Callable[[str], None]
InstructionHandler = Callable[[str, str], None]
#: What expat raises for a part that is not XML (an unknown encoding in the XML declaration
#: is a LookupError).
_ERRORS = (expat.ExpatError, LookupError, ValueError)


class BadXml(Exception):
    """The part is not well-formed XML, or declares a DOCTYPE or entities."""


def split(name: str) -> tuple[str, str]:
    """``"namespace local"`` (expat's form with a space separator) → (namespace, local)."""
    namespace, _space, local = name.rpartition(" ")
    return namespace, local


def attribute(attributes: dict[str, str], local: str) -> str | None:
    """An attribute by its local name, whatever its namespace prefix."""
    for key, value in attributes.items():
        if split(key)[1] == local:
            return value
    return None


class XmlScan:
    """One XML part, parsed as it is fed. Handlers receive (namespace, local name, attributes
    keyed ``"namespace local"``); any exception a handler raises stops the parse."""

    def __init__(
        self,
        start: StartHandler,
        end: EndHandler | None = None,
        text: TextHandler | None = None,
        *,
        instruction: InstructionHandler | None = None,
        named_dtd: bool = False,
    ) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._named_dtd if named_dtd else self._refuse
        parser.EntityDeclHandler = self._refuse
        parser.UnparsedEntityDeclHandler = self._refuse
        parser.NotationDeclHandler = self._refuse
        parser.ExternalEntityRefHandler = self._refuse
        parser.buffer_text = True

        def on_start(name: str, attributes: dict[str, str]) -> None:
            namespace, local = split(name)
            start(namespace, local, attributes)

        parser.StartElementHandler = on_start
        if end is not None:
            on_end: Callable[[str], None] = lambda name: end(*split(name))  # noqa: E731
            parser.EndElementHandler = on_end
        if text is not None:
            parser.CharacterDataHandler = text
        if instruction is not None:
            parser.ProcessingInstructionHandler = instruction
        self._parser = parser

    @staticmethod
    def _refuse(*_args: Any) -> NoReturn:
        raise BadXml("a DOCTYPE or entity declaration")

    @classmethod
    def _named_dtd(
        cls, _name: str, _system: str | None, _public: str | None, internal: bool
    ) -> None:
        """A DOCTYPE that only names a DTD (``<!DOCTYPE svg PUBLIC … "…svg11.dtd">``)."""
        if internal:
            cls._refuse()

    def feed(self, chunk: bytes) -> None:
        try:
            self._parser.Parse(chunk, False)
        except _ERRORS as error:
            raise BadXml(str(error)) from None

    def close(self) -> None:
        try:
            self._parser.Parse(b"", True)
        except _ERRORS as error:
            raise BadXml(str(error)) from None
