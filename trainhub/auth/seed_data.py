"""Partner organisations named in the source documents (DOMAIN.md §3.2), with their sector."""

from __future__ import annotations

from typing import Final

ORGANISATIONS: Final[list[tuple[str, str]]] = [
    ("Cardiff Council", "local_authority"),
    ("Vale of Glamorgan Council", "local_authority"),
    ("Newport City Council", "local_authority"),
    ("Merthyr Tydfil County Borough Council", "local_authority"),
    ("Rhondda Cynon Taf County Borough Council", "local_authority"),
    ("Wrexham County Borough Council", "local_authority"),
    ("Cardiff and Vale University Health Board", "health"),
    ("Cwm Taf Morgannwg University Health Board", "health"),
    ("Aneurin Bevan University Health Board", "health"),
    ("Betsi Cadwaladr University Health Board", "health"),
    ("Cardiff University", "education"),
    ("Barnardo's Cymru", "third_sector"),
    ("Action for Children", "third_sector"),
    ("New Link Wales", "third_sector"),
    ("South Wales Police", "police_probation"),
    ("Probation Service in Wales", "police_probation"),
]
