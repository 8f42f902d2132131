"""How far a structure check goes before it gives up: the bounds that stop a file built to
exhaust memory or time (a zip bomb, a decompression bomb, a PDF of a million objects)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    #: Everything inside a DOCX or ODT together, unpacked (``UPLOAD_MAX_UNPACKED_BYTES``).
    unpacked_bytes: int = 100 * MB
    #: Files inside a DOCX or ODT (a real document has a few dozen).
    zip_entries: int = 1000
    #: Unpacked size ÷ packed size, for one part and for the whole document. Only parts (or
    #: documents) over :attr:`ratio_floor` are held to it: a small part of repeated XML may
    #: well pack 200:1 and is harmless.
    compression_ratio: int = 100
    ratio_floor: int = 1 * MB
    #: Pixels of a picture, checked from its header before it is decoded
    #: (``UPLOAD_MAX_IMAGE_PIXELS``): 50 million is a 8,660 by 5,773 photo, ~150 MB decoded.
    image_pixels: int = 50_000_000
    #: Objects in a PDF, and nodes visited while walking them.
    pdf_objects: int = 100_000
    pdf_nodes: int = 2_000_000


def limits_from(config: Mapping[str, Any]) -> Limits:
    """The limits an app's configuration sets (the defaults for what it leaves out)."""
    default = Limits()
    return Limits(
        unpacked_bytes=int(config.get("UPLOAD_MAX_UNPACKED_BYTES") or default.unpacked_bytes),
        image_pixels=int(config.get("UPLOAD_MAX_IMAGE_PIXELS") or default.image_pixels),
    )


def megabytes(size: int) -> str:
    """The limit in MB, rounded down to a tenth: a file under the figure shown must pass."""
    tenths = size * 10 // MB
    whole, tenth = divmod(tenths, 10)
    return f"{whole}.{tenth}" if tenth else str(whole)
