"""Small, real files for upload tests, built with pikepdf and Pillow (not hand-made bytes):
they pass any check of a file's structure, so a test refusing them proves something else."""

from __future__ import annotations

import io

import pikepdf
from PIL import Image, PngImagePlugin


def pdf_bytes(content: bytes = b"") -> bytes:
    """A one-page PDF; ``content`` goes into the page's content stream as a comment, stored
    uncompressed (the file is as large as the content makes it)."""
    document = pikepdf.new()
    page = document.add_blank_page(page_size=(595, 842))
    page.Contents = document.make_stream(b"% " + content + b"\n" if content else b"")
    buffer = io.BytesIO()
    document.save(buffer, compress_streams=False)
    return buffer.getvalue()


def png_bytes(text: bytes = b"", size: tuple[int, int] = (4, 4)) -> bytes:
    """A small PNG; ``text`` goes into a tEXt chunk (a comment)."""
    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Comment", text.decode("latin-1"))
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 94, 165)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()
