"""The text of a PDF trainhub drew, read back with pikepdf (no text-extraction tool needed).

WeasyPrint writes each font as a Type0 font with Identity-H encoding and a ``/ToUnicode``
map: two bytes a glyph, each mapped to its characters. Text runs come out in the order the
page draws them, joined by spaces; runs of whitespace are one space.
"""

from __future__ import annotations

import io
import re

import pikepdf

_HEX = re.compile(r"<([0-9a-fA-F]+)>")


def _unicode_map(font: pikepdf.Dictionary) -> dict[int, str]:
    """A font's glyph codes and the text each stands for (its ``/ToUnicode`` CMap)."""
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    mapping: dict[int, str] = {}

    def text(hexes: str) -> str:
        return bytes.fromhex(hexes).decode("utf-16-be")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        values = _HEX.findall(block)
        for code, value in zip(values[::2], values[1::2], strict=True):
            mapping[int(code, 16)] = text(value)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for line in block.strip().splitlines():
            values = _HEX.findall(line)
            if len(values) == 3 and "[" not in line:
                start, end = int(values[0], 16), int(values[1], 16)
                first = text(values[2])
                for offset in range(end - start + 1):
                    mapping[start + offset] = first[:-1] + chr(ord(first[-1]) + offset)
    return mapping


def pdf_text(data: bytes) -> str:
    """Every page's text, in drawing order."""
    runs: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as document:
        for page in document.pages:
            fonts = {str(name): font for name, font in page.Resources.get("/Font", {}).items()}
            maps: dict[str, dict[int, str]] = {}
            current: dict[int, str] = {}
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op == "Tf":
                    name = str(operands[0])
                    if name not in maps:
                        maps[name] = _unicode_map(fonts[name])
                    current = maps[name]
                elif op in ("Tj", "TJ"):
                    parts = operands[0] if op == "TJ" else [operands[0]]
                    shown = []
                    for part in parts:
                        if isinstance(part, pikepdf.String):
                            raw = bytes(part)
                            shown.extend(
                                current.get(int.from_bytes(raw[i : i + 2], "big"), "")
                                for i in range(0, len(raw), 2)
                            )
                    runs.append("".join(shown))
    return " ".join(" ".join(runs).split())
