"""What a person is told when a file is refused, word for word, for each reason."""

from __future__ import annotations

from collections.abc import Mapping

from trainhub.uploads.refusals import Reason

PRINT = "Print it to a new PDF (for example with Microsoft Print to PDF) and upload that."

MESSAGES: dict[Reason, str] = {
    Reason.OLD_WORD: (
        "The selected file is an older Word document (.doc) or is protected with a password. "
        "Open it in Word, remove any password, save it as a Word document (.docx) and upload "
        "that."
    ),
    Reason.DAMAGED_PDF: (
        "The selected file is damaged or is not really a PDF. Open it, save or print it as a "
        "new PDF and upload that."
    ),
    Reason.DAMAGED_DOCX: (
        "The selected file is damaged or is not really a Word document. Open it in Word, save "
        "it as a Word document (.docx) and upload it again."
    ),
    Reason.DAMAGED_ODT: (
        "The selected file is damaged or is not really an OpenDocument text file. Open it, "
        "save it as an OpenDocument text file (.odt) and upload it again."
    ),
    Reason.DAMAGED_IMAGE: (
        "The selected picture is damaged or is not really a PNG or JPEG. Open it, save it "
        "again as a PNG or JPEG and upload that."
    ),
    Reason.PASSWORD: (
        "The selected file is protected with a password, so it cannot be checked. Remove the "
        "password, save the file and upload it again."
    ),
    Reason.HIDDEN_DATA: (
        "The selected file has other data hidden in it, before or after the document, which "
        "cannot be accepted. Open it, save it as a new file and upload that."
    ),
    Reason.IMAGE_TRAILER: (
        "The selected picture has extra data after the end of the image, which cannot be "
        "accepted. Open it, save it as a new PNG or JPEG (or take a screenshot of it) and "
        "upload that."
    ),
    Reason.PIXELS: (
        "The selected picture is too big: it has more than 50 million pixels. Save it at a "
        "smaller size and upload it again."
    ),
    Reason.PDF_JAVASCRIPT: f"This PDF contains JavaScript, which cannot be accepted. {PRINT}",
    Reason.PDF_LAUNCH: (
        f"This PDF tries to start a program or open another file, which cannot be accepted. {PRINT}"
    ),
    Reason.PDF_ACTIONS: (
        f"This PDF opens web pages or sends information by itself, which cannot be accepted. "
        f"{PRINT}"
    ),
    Reason.PDF_ATTACHMENTS: (
        f"This PDF has other files attached inside it, which cannot be accepted. {PRINT}"
    ),
    Reason.PDF_MEDIA: (
        f"This PDF contains video, sound or 3D content, which cannot be accepted. {PRINT}"
    ),
    Reason.PDF_COMPLEX: f"This PDF is too complicated to be checked. {PRINT}",
    Reason.DOCX_MACROS: (
        "This Word document contains macros, which cannot be accepted. Save it as a Word "
        "document (.docx) without macros and upload it again."
    ),
    Reason.ODT_MACROS: (
        "This document contains macros or scripts, which cannot be accepted. Copy the text "
        "into a new document, save it and upload that."
    ),
    Reason.LINKED: (
        "This document loads content from somewhere else, such as a template or picture on "
        "the internet or on a network drive, which cannot be accepted. Put the content in the "
        "document itself (or remove it), save it and upload it again."
    ),
    Reason.UNSAFE_LINK: (
        "This document contains a link that opens a program or a file on a computer or "
        "network, which cannot be accepted. Remove the link (links to websites and email "
        "addresses are fine), save it and upload it again."
    ),
    Reason.EMBEDDED: (
        "This document has other files or objects inside it, such as an embedded "
        "spreadsheet, a control or a program, which cannot be accepted. Remove them (paste a "
        "picture of them instead if you need to), save it and upload it again."
    ),
    Reason.FIELDS: (
        "This Word document contains field codes that can run commands or fetch other files, "
        "which cannot be accepted. Select all the text, press Ctrl+Shift+F9 to turn the fields "
        "into plain text, save it and upload it again."
    ),
    Reason.UNPACKED: (
        "The selected document is too large once unpacked (more than 100 MB or 1000 parts), "
        "or is made to look smaller than it is. Save it again with smaller pictures and upload "
        "it."
    ),
}


def message_for(reason: Reason, allowed: Mapping[str, str]) -> str:
    """The message for ``reason`` on a form that takes ``allowed`` types (default limits)."""
    if reason is Reason.TYPE:
        types = ", ".join(sorted(extension.upper() for extension in set(allowed.values())))
        return f"The selected file must be a {types}"
    return MESSAGES[reason]
