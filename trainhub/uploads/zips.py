"""Opening a ZIP (DOCX and ODT are ZIPs) without trusting what it says about itself.

``zipfile`` reads the central directory at the end and tolerates data before the first entry
or after the last: exactly what a polyglot needs (a PDF or a program with a ZIP glued on). So
the layout is checked byte for byte: the first entry starts at offset 0, every entry is
followed directly by the next, the central directory follows the last one and the end record
ends the file. Each local header must say what the central directory says (name, flags,
method, CRC and sizes, or its data descriptor must): readers differ in which one they
believe. No comments, and only the extra fields real writers add, small. Entries are then
unpacked by our own bounded reader, counting what really comes out, so a header that lies
about a size cannot make a bomb of it.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from trainhub.uploads.limits import Limits, megabytes
from trainhub.uploads.refusals import Reason, Refused

_LOCAL = b"PK\x03\x04"
_END = b"PK\x05\x06"
_END64 = b"PK\x06\x06"
_LOCATOR64 = b"PK\x06\x07"
_CHUNK = 64 * 1024
_ENCRYPTED = 0x1
_DESCRIPTOR = 0x8
_UTF8 = 0x800
#: A data descriptor is 12 or 16 bytes (with its optional signature), 20 or 24 in ZIP64.
_DESCRIPTOR_SIZES = frozenset({12, 16, 20, 24})
_DESCRIPTOR_SIGNATURE = b"PK\x07\x08"
_ZIP64 = 0x0001
_ZIP64_SIZE = 0xFFFFFFFF
#: Extra fields real writers add: ZIP64 sizes, Info-ZIP's extended timestamp and Unix owner,
#: NTFS times. Anything else is a place to hide data, as is a large known field.
_EXTRA_FIELDS = frozenset({_ZIP64, 0x5455, 0x7875, 0x000A})
_EXTRA_MOST = 64
#: The padding Word and .NET's System.IO.Packaging reserve in a local header ("growth hint":
#: signature A028, the padding asked for, then zeros). Allowed at any length if all zeros.
_GROWTH_HINT = 0xA220
_GROWTH_SIGNATURE = b"\x28\xa0"


class _Local(NamedTuple):
    """A local file header's fields after its signature."""

    version: int
    flags: int
    method: int
    time: int
    date: int
    crc: int
    compress_size: int
    file_size: int
    name_length: int
    extra_length: int


@dataclass(frozen=True)
class Entry:
    info: zipfile.ZipInfo
    #: Where the entry's packed bytes start in the file (after its local header).
    data_offset: int

    @property
    def name(self) -> str:
        return self.info.filename


class Archive:
    """A ZIP whose layout has been checked; :meth:`read` unpacks an entry within the limits."""

    def __init__(self, data: bytes, limits: Limits, damaged: Reason) -> None:
        self.data = data
        self.limits = limits
        self.damaged = damaged
        #: Bytes unpacked so far, over every entry read (and any nested archive's).
        self.unpacked = 0
        self.entries = self._entries()

    def refuse_unpacked(self, detail: str) -> Refused:
        return Refused(
            Reason.UNPACKED,
            detail,
            mb=megabytes(self.limits.unpacked_bytes),
            parts=self.limits.zip_entries,
        )

    def _entries(self) -> list[Entry]:
        data = self.data
        if not data.startswith(_LOCAL):
            raise Refused(Reason.HIDDEN_DATA, "the first entry is not at offset 0")
        directory = _directory(data, self.damaged)
        # Counted before zipfile reads the directory: a 20 MB file could list 400,000 entries.
        if _directory_entries(data, directory, self.limits.zip_entries + 1) > (
            self.limits.zip_entries
        ):
            raise self.refuse_unpacked("too many entries")
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                infos = archive.infolist()
        except Exception as error:  # BadZipFile, but also struct.error, ValueError …
            raise Refused(self.damaged, f"zipfile: {error}") from None
        if len(infos) > self.limits.zip_entries:
            raise self.refuse_unpacked(f"{len(infos)} entries")
        names = [info.filename for info in infos]
        if len({name.casefold() for name in names}) != len(names):
            raise Refused(self.damaged, "two entries with the same name")
        declared = 0
        for info in infos:
            if info.flag_bits & _ENCRYPTED:
                raise Refused(Reason.PASSWORD, f"{info.filename} is encrypted")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise Refused(self.damaged, f"{info.filename}: method {info.compress_type}")
            declared += info.file_size
            ratio_breached = info.file_size > self.limits.compression_ratio * max(
                info.compress_size, 1
            )
            if info.file_size > self.limits.ratio_floor and ratio_breached:
                raise self.refuse_unpacked(f"{info.filename} packs {info.file_size} bytes")
        if declared > self.limits.unpacked_bytes:
            raise self.refuse_unpacked(f"{declared} bytes declared")
        if declared > self.limits.ratio_floor and declared > self.limits.compression_ratio * len(
            data
        ):
            raise self.refuse_unpacked(f"{declared} bytes declared in {len(data)}")
        return self._contiguous(infos, directory)

    def _contiguous(self, infos: list[zipfile.ZipInfo], directory: int) -> list[Entry]:
        """Entries in file order, each right after the one before, with nothing in between,
        and each local header saying what the central directory says about it."""
        data = self.data
        ordered = sorted(infos, key=lambda i: i.header_offset)
        entries: list[Entry] = []
        position = 0
        for index, info in enumerate(ordered):
            if info.header_offset != position:
                raise Refused(Reason.HIDDEN_DATA, f"gap or overlap before {info.filename}")
            if data[position : position + 4] != _LOCAL or position + 30 > directory:
                raise Refused(self.damaged, f"no local header for {info.filename}")
            local = _Local(*struct.unpack("<HHHHHIIIHH", data[position + 4 : position + 30]))
            name_end = position + 30 + local.name_length
            data_offset = name_end + local.extra_length
            if data_offset > directory:
                raise Refused(self.damaged, f"{info.filename}: the local header runs on")
            self._same_entry(info, local, data[position + 30 : name_end])
            local_extra = _extra_fields(data[name_end:data_offset], info.filename)
            position = data_offset + info.compress_size
            if position > directory:
                raise Refused(self.damaged, f"{info.filename} runs into the directory")
            entries.append(Entry(info, data_offset))
            if info.flag_bits & _DESCRIPTOR:
                following = ordered[index + 1].header_offset if index + 1 < len(ordered) else None
                gap = (directory if following is None else following) - position
                if gap not in _DESCRIPTOR_SIZES:
                    raise Refused(Reason.HIDDEN_DATA, f"data after {info.filename}")
                self._same_descriptor(info, local, data[position : position + gap])
                position += gap
            else:
                self._same_sizes(info, local, local_extra)
        if position != directory:
            raise Refused(Reason.HIDDEN_DATA, "data between the entries and the directory")
        return entries

    def _same_entry(self, info: zipfile.ZipInfo, local: _Local, name: bytes) -> None:
        """Readers differ in which header they believe: a local header that names another
        part (``vbaProject.bin`` where the directory says ``image9.png``), or packs it
        another way, is a file made to be read two ways."""
        if info.orig_filename != info.filename:  # zipfile cut the name at a NUL
            raise Refused(self.damaged, f"a NUL in the name {info.filename!r}")
        encoding = "utf-8" if info.flag_bits & _UTF8 else "cp437"
        if name != info.orig_filename.encode(encoding):
            raise Refused(self.damaged, f"{info.filename}: the local header names {name[:80]!r}")
        if (local.flags, local.method) != (info.flag_bits, info.compress_type):
            raise Refused(self.damaged, f"{info.filename}: the local header's flags or method")
        if info.comment:
            raise Refused(Reason.HIDDEN_DATA, f"{info.filename} has a comment")
        _extra_fields(info.extra, info.filename)

    def _same_sizes(self, info: zipfile.ZipInfo, local: _Local, extra: dict[int, bytes]) -> None:
        packed, unpacked = local.compress_size, local.file_size
        if _ZIP64_SIZE in (packed, unpacked):
            zip64 = extra.get(_ZIP64)
            if zip64 is None or len(zip64) < 16:
                raise Refused(self.damaged, f"{info.filename}: no ZIP64 sizes in the local header")
            unpacked, packed = struct.unpack("<QQ", zip64[:16])
        if (local.crc, packed, unpacked) != (info.CRC, info.compress_size, info.file_size):
            raise Refused(self.damaged, f"{info.filename}: the local header's CRC or sizes")

    def _same_descriptor(self, info: zipfile.ZipInfo, local: _Local, descriptor: bytes) -> None:
        """The data descriptor after the packed bytes must agree with the directory (the local
        header then holds zeros, or the same values)."""
        written = (local.crc, local.compress_size, local.file_size)
        central = (info.CRC, info.compress_size, info.file_size)
        for value, expected in zip(written, central, strict=True):
            if value not in (0, expected, _ZIP64_SIZE):
                raise Refused(self.damaged, f"{info.filename}: the local header's CRC or sizes")
        if len(descriptor) in (16, 24):
            if not descriptor.startswith(_DESCRIPTOR_SIGNATURE):
                raise Refused(self.damaged, f"{info.filename}: no data descriptor")
            descriptor = descriptor[4:]
        sizes = "<II" if len(descriptor) == 12 else "<QQ"
        (crc,) = struct.unpack("<I", descriptor[:4])
        packed, unpacked = struct.unpack(sizes, descriptor[4:])
        if (crc, packed, unpacked) != central:
            raise Refused(self.damaged, f"{info.filename}: the data descriptor's CRC or sizes")

    def read(self, entry: Entry) -> Iterator[bytes]:
        """The entry's bytes, unpacked in chunks; refused as soon as more comes out than it
        declared or than the limit allows, and checked against its CRC at the end."""
        info = entry.info
        packed = memoryview(self.data)[entry.data_offset : entry.data_offset + info.compress_size]
        crc = 0
        produced = 0
        for chunk in self._unpack(info, packed):
            produced += len(chunk)
            self.unpacked += len(chunk)
            if produced > info.file_size:
                raise self.refuse_unpacked(f"{info.filename} is larger than it says")
            if self.unpacked > self.limits.unpacked_bytes:
                raise self.refuse_unpacked("over the unpacked limit")
            crc = zlib.crc32(chunk, crc)
            yield chunk
        if produced != info.file_size or crc != info.CRC:
            raise Refused(self.damaged, f"{info.filename}: size or CRC does not match")

    def read_all(self, entry: Entry) -> bytes:
        return b"".join(self.read(entry))

    def _unpack(self, info: zipfile.ZipInfo, packed: memoryview) -> Iterator[bytes]:
        if info.compress_type == zipfile.ZIP_STORED:
            for offset in range(0, len(packed), _CHUNK):
                yield bytes(packed[offset : offset + _CHUNK])
            return
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            for offset in range(0, len(packed), _CHUNK):
                pending = bytes(packed[offset : offset + _CHUNK])
                while pending:
                    chunk = inflater.decompress(pending, _CHUNK)
                    pending = inflater.unconsumed_tail
                    if chunk:
                        yield chunk
                    if inflater.eof:
                        break
            while not inflater.eof:
                chunk = inflater.decompress(b"", _CHUNK)
                if not chunk:
                    break
                yield chunk
        except zlib.error as error:
            raise Refused(self.damaged, f"{info.filename}: {error}") from None
        if not inflater.eof or inflater.unused_data:
            raise Refused(self.damaged, f"{info.filename}: the packed data does not end right")


def _directory(data: bytes, damaged: Reason) -> int:
    """Where the central directory starts; the end record must end the file."""
    end = data.rfind(_END, max(0, len(data) - 22 - 0xFFFF))
    if end < 0 or end + 22 > len(data):
        raise Refused(damaged, "no end of central directory")
    disk, directory_disk, _here, _total, size, offset, comment = struct.unpack(
        "<HHHHIIH", data[end + 4 : end + 22]
    )
    if comment or end + 22 != len(data):  # office programs write no ZIP comment
        raise Refused(Reason.HIDDEN_DATA, "data after the end of the ZIP")
    if disk or directory_disk:
        raise Refused(damaged, "a multi-disk ZIP")
    directory_end = end
    if 0xFFFFFFFF in (size, offset) and data[end - 20 : end - 16] == _LOCATOR64:
        (record,) = struct.unpack("<Q", data[end - 12 : end - 4])
        if data[record : record + 4] != _END64:
            raise Refused(damaged, "no ZIP64 end record")
        size, offset = struct.unpack("<QQ", data[record + 40 : record + 56])
        directory_end = record
    if offset + size != directory_end:
        raise Refused(Reason.HIDDEN_DATA, "the directory is not where the ZIP says")
    return offset


def _extra_fields(extra: bytes, name: str) -> dict[int, bytes]:
    """An entry's extra fields by ID; refused when one is unknown, malformed or too large
    (data hidden where no reader shows it)."""
    fields: dict[int, bytes] = {}
    position = counted = 0
    while position < len(extra):
        if position + 4 > len(extra):
            raise Refused(Reason.HIDDEN_DATA, f"{name}: bytes after the extra fields")
        kind, size = struct.unpack("<HH", extra[position : position + 4])
        body = extra[position + 4 : position + 4 + size]
        if len(body) != size or kind in fields:
            raise Refused(Reason.HIDDEN_DATA, f"{name}: a malformed extra field {kind:#06x}")
        if kind == _GROWTH_HINT:
            if not body.startswith(_GROWTH_SIGNATURE) or len(body) < 4 or body[4:].strip(b"\0"):
                raise Refused(Reason.HIDDEN_DATA, f"{name}: data in the padding field")
        elif kind in _EXTRA_FIELDS:
            counted += 4 + size
        else:
            raise Refused(Reason.HIDDEN_DATA, f"{name}: an extra field {kind:#06x}")
        fields[kind] = body
        position += 4 + size
    if counted > _EXTRA_MOST:
        raise Refused(Reason.HIDDEN_DATA, f"{name}: {counted} bytes of extra fields")
    return fields


def _directory_entries(data: bytes, start: int, most: int) -> int:
    """How many records the central directory from ``start`` holds (counting stops at
    ``most``); whatever follows them is zipfile's to judge."""
    position, found = start, 0
    while found < most and data[position : position + 4] == b"PK\x01\x02":
        lengths = struct.unpack("<HHH", data[position + 28 : position + 34])
        position += 46 + sum(lengths)
        found += 1
    return found


def looks_like_zip(data: bytes) -> bool:
    """Whether a ZIP reader would find an archive in ``data`` (an end record in the last
    64 KB whose directory is really there): a ZIP hidden inside a PDF or a picture."""
    tail_start = max(0, len(data) - 22 - 0xFFFF)
    end = data.rfind(_END, tail_start)
    while end >= 0:
        if end + 22 <= len(data):
            (size,) = struct.unpack("<I", data[end + 12 : end + 16])
            directory = end - size
            if 0 <= directory < end and data[directory : directory + 4] == b"PK\x01\x02":
                return True
        end = data.rfind(_END, tail_start, end)
    return False
