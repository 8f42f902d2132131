"""The managed lists on a person's profile (DOMAIN.md R19, R44), with translatable labels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from trainhub.auth.roles import Role

ROLES = {
    Role.LEARNER: _l("Learner"),
    Role.TRAINER: _l("Trainer"),
    Role.ASSESSOR: _l("Assessor"),
    Role.MANAGER: _l("Manager"),
    Role.ADMIN: _l("Administrator"),
}

SECTORS = {
    "local_authority": _l("Local authority"),
    "health": _l("Health"),
    "third_sector": _l("Third sector"),
    "education": _l("Education and universities"),
    "police_probation": _l("Police and probation"),
    "housing": _l("Housing"),
}

#: The 22 principal areas of Wales, plus one for learners from elsewhere.
LOCAL_AUTHORITIES = {
    "blaenau_gwent": _l("Blaenau Gwent"),
    "bridgend": _l("Bridgend"),
    "caerphilly": _l("Caerphilly"),
    "cardiff": _l("Cardiff"),
    "carmarthenshire": _l("Carmarthenshire"),
    "ceredigion": _l("Ceredigion"),
    "conwy": _l("Conwy"),
    "denbighshire": _l("Denbighshire"),
    "flintshire": _l("Flintshire"),
    "gwynedd": _l("Gwynedd"),
    "isle_of_anglesey": _l("Isle of Anglesey"),
    "merthyr_tydfil": _l("Merthyr Tydfil"),
    "monmouthshire": _l("Monmouthshire"),
    "neath_port_talbot": _l("Neath Port Talbot"),
    "newport": _l("Newport"),
    "pembrokeshire": _l("Pembrokeshire"),
    "powys": _l("Powys"),
    "rhondda_cynon_taf": _l("Rhondda Cynon Taf"),
    "swansea": _l("Swansea"),
    "torfaen": _l("Torfaen"),
    "vale_of_glamorgan": _l("Vale of Glamorgan"),
    "wrexham": _l("Wrexham"),
    "outside_wales": _l("Outside Wales"),
}

PROFESSIONAL_BACKGROUNDS = {
    "social_worker": _l("Social worker"),
    "health_visitor": _l("Health visitor"),
    "nurse": _l("Nurse or community psychiatric nurse"),
    "student_social_work": _l("Student (social work)"),
    "student_health_visiting": _l("Student (health visiting)"),
    "manager": _l("Manager"),
    "iro": _l("Independent reviewing officer"),
    "support_worker": _l("Support worker"),
    "school_staff": _l("School staff"),
    "volunteer": _l("Volunteer"),
    "substance_misuse_worker": _l("Substance misuse worker"),
    "other": _l("Other"),
}

LANGUAGES = {
    "en": "English",
    "cy": "Cymraeg",
}
