"""PNG and JPEG pictures: walked to their true end, then fully decoded by Pillow.

Nothing may follow the end of the picture (PNG's ``IEND`` chunk, which must itself be empty,
JPEG's end-of-image marker): data glued on there is how a web page, a PHP script or a ZIP
rides along with a photo. The JPEG's end is found by walking its segments, so the end marker
of an EXIF thumbnail (inside an APP1 segment) is not mistaken for the picture's. The pixel
count is read from the header and checked before anything is decoded; then the whole picture
is decoded, with any warning Pillow gives taken as a refusal.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib

from PIL import Image

from trainhub.uploads.kinds import JPEG, PNG
from trainhub.uploads.limits import Limits
from trainhub.uploads.refusals import Reason, Refused

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_START = b"\xff\xd8\xff"

_FORMATS = {PNG: ("PNG",), JPEG: ("JPEG", "MPO")}


def check_image(data: bytes, content_type: str, limits: Limits) -> None:
    """Return when ``data`` is a whole, clean picture of ``content_type`` (PNG or JPEG)."""
    if content_type == PNG:
        end = png_end(data)
    else:
        end = jpeg_end(data, 0)
        if end < len(data) and _has_mpf(data):
            end = _mpf_end(data, end)
    if end != len(data):
        raise Refused(Reason.IMAGE_TRAILER, f"{len(data) - end} bytes after the picture")
    _decode(data, content_type, limits)


def _decode(data: bytes, content_type: str, limits: Limits) -> None:
    millions = f"{limits.image_pixels / 1_000_000:g}"
    # A warning (a decompression bomb, corrupt EXIF …) is an error. catch_warnings is not
    # thread-safe, so the pixel limit is also checked by hand below, before decoding.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with Image.open(io.BytesIO(data), formats=_FORMATS[content_type]) as picture:
                width, height = picture.size
                if width * height > limits.image_pixels:
                    raise Refused(Reason.PIXELS, f"{width} x {height}", millions=millions)
                picture.load()
        except Refused:
            raise
        except Image.DecompressionBombError:
            raise Refused(Reason.PIXELS, "Pillow's bomb limit", millions=millions) from None
        except Exception as error:  # Pillow's ways of saying "not a picture I can read"
            raise Refused(Reason.DAMAGED_IMAGE, f"{type(error).__name__}: {error}") from None
    for warning in caught:
        if issubclass(warning.category, Image.DecompressionBombWarning):
            raise Refused(Reason.PIXELS, str(warning.message), millions=millions)
        raise Refused(Reason.DAMAGED_IMAGE, f"{warning.category.__name__}: {warning.message}")


def png_end(data: bytes) -> int:
    """Where the PNG ends: just after its ``IEND`` chunk (every chunk's CRC checked)."""
    if not data.startswith(PNG_SIGNATURE):
        raise Refused(Reason.DAMAGED_IMAGE, "no PNG signature")
    position = len(PNG_SIGNATURE)
    first = True
    while True:
        if position + 12 > len(data):
            raise Refused(Reason.DAMAGED_IMAGE, "the PNG ends before IEND")
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        end = position + 12 + length
        if length > 0x7FFFFFFF or end > len(data):
            raise Refused(Reason.DAMAGED_IMAGE, f"chunk {kind!r} runs past the end")
        if first and kind != b"IHDR":
            raise Refused(Reason.DAMAGED_IMAGE, "the first chunk is not IHDR")
        first = False
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(data[position + 4 : end - 4]) != crc:
            raise Refused(Reason.DAMAGED_IMAGE, f"chunk {kind!r} has a wrong CRC")
        if kind == b"IEND":
            if length:  # the end chunk is empty: anything in it rides along with the picture
                raise Refused(Reason.IMAGE_TRAILER, f"{length} bytes inside IEND")
            return end
        position = end


def jpeg_end(data: bytes, start: int) -> int:
    """Where the JPEG starting at ``start`` ends: just after its end-of-image marker.

    Segments are skipped by their length (so an EXIF thumbnail's own markers are never
    seen); after each start-of-scan the entropy-coded data is scanned for the next marker,
    stepping over stuffed ``FF 00`` and restart markers. A progressive JPEG has several
    scans with tables between them, which the same loop walks.
    """
    if data[start : start + 3] != JPEG_START:
        raise Refused(Reason.DAMAGED_IMAGE, "no JPEG start of image")
    position = start + 2
    size = len(data)
    while True:
        if position >= size or data[position] != 0xFF:
            raise Refused(Reason.DAMAGED_IMAGE, f"no marker at {position}")
        while position < size and data[position] == 0xFF:  # fill bytes
            position += 1
        if position >= size:
            raise Refused(Reason.DAMAGED_IMAGE, "the JPEG ends in fill bytes")
        marker = data[position]
        position += 1
        if marker == 0xD9:  # end of image
            return position
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # no length
            continue
        if marker in (0x00, 0xD8):
            raise Refused(Reason.DAMAGED_IMAGE, f"marker {marker:#x} out of place")
        if position + 2 > size:
            raise Refused(Reason.DAMAGED_IMAGE, "a segment runs past the end")
        (length,) = struct.unpack(">H", data[position : position + 2])
        if length < 2 or position + length > size:
            raise Refused(Reason.DAMAGED_IMAGE, f"segment {marker:#x} runs past the end")
        position += length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            position = _scan_end(data, position)


def _scan_end(data: bytes, position: int) -> int:
    while True:
        found = data.find(b"\xff", position)
        if found < 0 or found + 1 >= len(data):
            raise Refused(Reason.DAMAGED_IMAGE, "the scan never ends")
        following = data[found + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            position = found + 2
        elif following == 0xFF:
            position = found + 1
        else:
            return found


def _has_mpf(data: bytes) -> bool:
    """Whether the JPEG declares more pictures after itself (CIPA Multi-Picture Format,
    written by many cameras: a preview or depth map after the main picture)."""
    position = 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xDA:
            return False
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker == 0xE2 and data[position + 4 : position + 8] == b"MPF\x00":
            return True
        position += 2 + length
    return False


def _mpf_end(data: bytes, end: int) -> int:
    """After a Multi-Picture JPEG's main picture, only more whole JPEGs may follow."""
    while end < len(data) and data[end : end + 3] == JPEG_START:
        end = jpeg_end(data, end)
    return end
