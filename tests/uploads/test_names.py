"""File names: a path cut to its last part, odd characters cleaned (never a refusal), Windows
device names renamed, and the download header safe whatever was stored."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tests.conftest import base_config
from trainhub import create_app
from trainhub.storage import download, storage
from trainhub.uploads.names import ascii_name, clean_filename, download_name, is_device_name


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("Gwaith Siân (drafft 2).pdf", "Gwaith Siân (drafft 2).pdf"),
        ("<script>alert(1)</script>.pdf", "script.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\Siân\\Llyfr gwaith.docx", "Llyfr gwaith.pdf"),
        ("folder/", "file.pdf"),
        ("a\r\nb.pdf", "a_b.pdf"),
        ("a%0D%0Ab.pdf", "a_b.pdf"),  # how a browser sends a line break in a name
        ("say %22hello%22.pdf", "say _hello.pdf"),
        ("x\x00.pdf", "x.pdf"),
        ("tab\there\x07.pdf", "tab_here.pdf"),
        ("\u202egpj.exe", "gpj.pdf"),
        (unicodedata.normalize("NFD", "Ŵyl.pdf"), "Ŵyl.pdf"),
    ],
)
def test_a_name_is_cut_to_its_last_part_and_cleaned(sent: str, stored: str) -> None:
    assert clean_filename(sent, "pdf") == stored


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("CON.pdf", "CON_.pdf"),
        ("con.PDF", "con_.pdf"),
        ("Aux.docx", "Aux_.pdf"),
        ("NUL", "NUL_.pdf"),
        ("nul.tar.gz", "nul_tar.pdf"),  # the dot inside is cleaned, so no device is left
        ("PRN .pdf", "PRN_.pdf"),
        ("COM1.pdf", "COM1_.pdf"),
        ("com9.jpg", "com9_.pdf"),
        ("LPT1.pdf", "LPT1_.pdf"),
        ("lpt9.odt", "lpt9_.pdf"),
        ("COM0.pdf", "COM0_.pdf"),
        ("COM¹.pdf", "COM1_.pdf"),
        ("LPT³.pdf", "LPT3_.pdf"),
        ("ＣＯＮ.pdf", "CON_.pdf"),  # full-width letters
        ("ｃｏｍ２.pdf", "com2_.pdf"),
        ("C:\\Temp\\aux.pdf", "aux_.pdf"),
        ("COM10.pdf", "COM10.pdf"),
        ("CONSOLE.pdf", "CONSOLE.pdf"),
        ("Con notes.pdf", "Con notes.pdf"),
    ],
)
def test_a_windows_device_name_is_renamed(sent: str, stored: str) -> None:
    cleaned = clean_filename(sent, "pdf")

    assert cleaned == stored
    assert not is_device_name(cleaned.rsplit(".", 1)[0])


@pytest.mark.parametrize(
    ("stored", "utf8", "plain"),
    [
        ("workbook.pdf", "workbook.pdf", "workbook.pdf"),
        ("Gwaith ŵyr.pdf", "Gwaith ŵyr.pdf", "Gwaith wyr.pdf"),
        ("CON.pdf", "CON_.pdf", "CON_.pdf"),  # a row saved before names were cleaned
        ("ＣＯＮ.pdf", "CON_.pdf", "CON_.pdf"),
        ("Cŏn.pdf", "Cŏn.pdf", "Con_.pdf"),  # only the plain name drops to a device
        ("Δελτίο.pdf", "Δελτίο.pdf", "file.pdf"),
        ('a"b\r\n.pdf', "a_b.pdf", "a_b.pdf"),
    ],
)
def test_the_download_names_are_never_a_device(stored: str, utf8: str, plain: str) -> None:
    assert (download_name(stored), ascii_name(stored)) == (utf8, plain)


@pytest.mark.parametrize(
    ("stored", "header"),
    [
        ("workbook.pdf", "attachment; filename=workbook.pdf"),
        ("CON.pdf", "attachment; filename=CON_.pdf"),
        ("ＣＯＮ.pdf", "attachment; filename=CON_.pdf"),
        ("Cŏn.pdf", "attachment; filename=Con_.pdf; filename*=UTF-8''C%C5%8Fn.pdf"),
        (
            "Gwaith ŵyr.pdf",
            "attachment; filename=\"Gwaith wyr.pdf\"; filename*=UTF-8''Gwaith%20%C5%B5yr.pdf",
        ),
    ],
)
def test_the_download_header_uses_the_safe_names(tmp_path: Path, stored: str, header: str) -> None:
    app = create_app({**base_config("sqlite://"), "UPLOAD_FOLDER": str(tmp_path)})

    with app.test_request_context():
        key = storage().save(b"%PDF-1.7 bytes")
        response = download(key, "application/pdf", stored)

    assert response.headers["Content-Disposition"] == header
