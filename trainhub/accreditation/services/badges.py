"""A certificate as a signed Open Badges 3.0 ``OpenBadgeCredential`` (VC-JWT, OB 3.0 §8.2).

The credential (W3C Verifiable Credentials 2.0 and OB 3.0 contexts, an issuer ``Profile``,
an ``AchievementSubject`` holding the ``Achievement`` with its criteria, image and
alignments) is the JWT payload, with the registered claims §8.2 maps onto it; the JOSE
header names the signing key by a URL that serves it. Revocation is published as a W3C
Bitstring Status List, signed the same way and built from the certificates table when it
is asked for. Nothing signed is stored: a badge is signed when it is downloaded.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import io
from typing import Any, Final
from xml.sax.saxutils import escape

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from joserfc import jwt
from sqlalchemy import func, select

from trainhub.accreditation.models import REVOKED, AccreditationLevel, Certificate
from trainhub.accreditation.services import credential_keys
from trainhub.bilingual import ENGLISH, WELSH, pick
from trainhub.courses.models import Course
from trainhub.extensions import db, utcnow
from trainhub.mail.services import external_url

CONTEXT: Final = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
#: The JOSE ``typ`` OB 3.0's VC-JWT examples use.
JWT_TYPE: Final = "JWT"
#: Bits in one status list: the W3C minimum (16 KB), so a list hides which entry is asked about.
STATUS_LIST_BITS: Final = 131_072
#: The JWT registered claims added to the credential (not part of it when compared).
REGISTERED_CLAIMS: Final = ("iss", "jti", "sub", "nbf", "iat", "exp")
#: The namespace of OB 3.0's baked SVG (§5.3.2).
BAKING_NAMESPACE: Final = "https://purl.imsglobal.org/ob/v3p0"


def _base() -> str:
    return str(current_app.config["BASE_URL"]).rstrip("/")


def issuer_id() -> str:
    return f"{_base()}/issuer"


def key_url(kid: str) -> str:
    return f"{_base()}/issuer/keys/{kid}"


def status_list_url(number: int) -> str:
    return f"{_base()}/credentials/status/{number}"


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


#: The languages a badge can be had in (OB 3.0 types ``name`` and ``description`` as plain
#: strings, so a credential carries one; the learner chooses which).
BADGE_LANGUAGES: Final = (ENGLISH, WELSH)


def issuer_profile(language: str = ENGLISH) -> dict[str, Any]:
    """The issuer as an OB 3.0 ``Profile`` (what ``issuer.id`` serves, and what is embedded)."""
    from trainhub.accreditation.services.certificates import issuer_in

    profile: dict[str, Any] = {
        "id": issuer_id(),
        "type": ["Profile"],
        "name": issuer_in(language),
        "url": f"{_base()}/",
    }
    email = current_app.config.get("CERTIFICATE_ISSUER_EMAIL")
    if email:
        profile["email"] = email
    return profile


#: The W3C Controlled Identifiers vocabulary (verificationMethod, JsonWebKey).
CID_CONTEXT: Final = "https://www.w3.org/ns/cid/v1"


def issuer_document() -> dict[str, Any]:
    """What ``issuer.id`` serves: the Profile, and its public keys as a W3C controlled
    identifier document would list them (``verificationMethod`` entries of type
    ``JsonWebKey``, each with the ``id`` a badge's JOSE ``kid`` names, all of them
    ``assertionMethod``s). OB 3.0's Profile has no key property of its own; the embedded
    issuer in a badge stays the plain Profile."""
    keys = credential_keys.public_keys()
    return {
        "@context": [*CONTEXT, CID_CONTEXT],
        **issuer_profile(),
        "verificationMethod": [
            {
                "id": key_url(key.kid),
                "type": "JsonWebKey",
                "controller": issuer_id(),
                "publicKeyJwk": key.jwk,
            }
            for key in keys
        ],
        "assertionMethod": [key_url(key.kid) for key in keys],
    }


# Achievements -------------------------------------------------------------------------------


def _image(slug: str, caption: str) -> dict[str, Any]:
    return {"id": f"{_base()}/achievements/{slug}/image.svg", "type": "Image", "caption": caption}


def level_achievement_json(
    level: AccreditationLevel, name: str | None = None, language: str = ENGLISH
) -> dict[str, Any]:
    """A level as an OB 3.0 ``Achievement`` in ``language`` (English where it has no Welsh),
    aligned to its learning outcomes."""
    slug = f"level-{level.number}"
    url = external_url("accreditation.levels") + f"#{slug}"
    title = pick(level.title, level.title_cy, language)
    with force_locale(language):
        if name is None:
            name = _("Level %(n)d: %(title)s", n=level.number, title=title.text)
        narrative = _(
            "An assessor signed off every learning outcome of the level against the "
            "learner's workbook."
        )
    achievement: dict[str, Any] = {
        "id": f"{_base()}/achievements/{slug}",
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": name,
        "description": pick(level.description, level.description_cy, language).text or title.text,
        "criteria": {"id": url, "narrative": narrative},
        "image": _image(slug, name),
        "inLanguage": title.lang or language,
    }
    alignment = [
        {
            "type": ["Alignment"],
            "targetName": pick(outcome.text, outcome.text_cy, language).text,
            "targetUrl": url,
            # An HTML page, not a CASE framework item: the schema's "ext:" extension form.
            "targetType": "ext:HTMLPage",
            "targetCode": f"L{level.number}.{outcome.position}",
        }
        for outcome in level.outcomes
    ]
    if alignment:
        achievement["alignment"] = alignment
    if level.credit_value is not None:
        achievement["creditsAvailable"] = float(level.credit_value)
    return achievement


def course_achievement_json(
    course: Course, name: str | None = None, language: str = ENGLISH
) -> dict[str, Any]:
    """A course as an OB 3.0 ``Achievement`` in ``language`` (English where it has no
    Welsh), aligned to its units."""
    slug = f"course-{course.code}"
    url = external_url("courses.course_detail", code=course.code)
    title = pick(course.title, course.title_cy, language)
    name = name or title.text
    with force_locale(language):
        narrative = _("Attended the course days its completion rule requires.")
    achievement: dict[str, Any] = {
        "id": f"{_base()}/achievements/{slug}",
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": name,
        "description": pick(course.summary, course.summary_cy, language).text or name,
        "criteria": {"id": url, "narrative": narrative},
        "image": _image(slug, name),
        "inLanguage": title.lang or language,
    }
    alignment = [
        {
            "type": ["Alignment"],
            "targetName": pick(unit.title, unit.title_cy, language).text,
            "targetUrl": f"{url}#unit-{unit.position}",
            "targetType": "ext:HTMLPage",
            "targetCode": f"{course.code}.{unit.position}",
        }
        for unit in course.units
    ]
    if alignment:
        achievement["alignment"] = alignment
    return achievement


def description_in(certificate: Certificate, language: str) -> tuple[str, str]:
    """What the certificate's achievement means in ``language``, and the language it is in
    (the English where there is no Welsh), as its badge's Achievement says it."""
    if certificate.kind == "level" and certificate.level_id is not None:
        level = db.session.get(AccreditationLevel, certificate.level_id)
        assert level is not None
        shown = pick(level.description, level.description_cy, language) or pick(
            level.title, level.title_cy, language
        )
    else:
        course = db.session.get(Course, certificate.course_id)
        assert course is not None
        shown = pick(course.summary, course.summary_cy, language) or pick(
            course.title, course.title_cy, language
        )
    return shown.lang or language, shown.text


def achievement_by_slug(slug: str, language: str = ENGLISH) -> dict[str, Any] | None:
    """The Achievement ``achievements/<slug>`` names (``level-3``, ``course-IFSS-CORE``)."""
    if slug.startswith("level-") and slug.removeprefix("level-").isdigit():
        number = int(slug.removeprefix("level-"))
        level = db.session.execute(
            select(AccreditationLevel).where(AccreditationLevel.number == number)
        ).scalar_one_or_none()
        return level_achievement_json(level, language=language) if level is not None else None
    if slug.startswith("course-"):
        course = db.session.execute(
            select(Course).where(Course.code == slug.removeprefix("course-"))
        ).scalar_one_or_none()
        return course_achievement_json(course, language=language) if course is not None else None
    return None


def _achievement(certificate: Certificate, language: str) -> dict[str, Any]:
    from trainhub.accreditation.services.certificates import in_language

    shown = in_language(certificate, language).achievement
    if certificate.kind == "level" and certificate.level_id is not None:
        level = db.session.get(AccreditationLevel, certificate.level_id)
        assert level is not None
        achievement = level_achievement_json(level, shown.text, language)
    elif certificate.course_id is not None:
        course = db.session.get(Course, certificate.course_id)
        assert course is not None
        achievement = course_achievement_json(course, shown.text, language)
    else:  # pragma: no cover - every certificate names a level or a course
        raise ValueError(f"certificate {certificate.id} names neither a level nor a course")
    if certificate.credits is not None:
        achievement["creditsAvailable"] = float(certificate.credits)
    else:
        achievement.pop("creditsAvailable", None)
    # The language of the name as printed: English when the certificate has no Welsh.
    achievement["inLanguage"] = shown.lang or language
    return achievement


# The credential ----------------------------------------------------------------------------


def _identity(certificate: Certificate) -> dict[str, Any]:
    """The learner's e-mail address, salted and hashed: it identifies without revealing."""
    salt = certificate.code
    digest = hashlib.sha256((certificate.user.email + salt).encode()).hexdigest()
    return {
        "type": "IdentityObject",
        "identityHash": f"sha256${digest}",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }


def status_position(certificate_id: int) -> tuple[int, int]:
    """The status list and the index in it of a certificate: its id, in lists of 131,072."""
    return divmod(certificate_id, STATUS_LIST_BITS)


def credential_status(certificate: Certificate) -> dict[str, Any]:
    number, index = status_position(certificate.id)
    url = status_list_url(number)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def open_badge_credential(certificate: Certificate, language: str = ENGLISH) -> dict[str, Any]:
    """The certificate as an OB 3.0 credential (JSON-serialisable, unsigned) in ``language``
    (``BADGE_LANGUAGES``): its name, the achievement's and the issuer's in that language,
    the English where the certificate has no Welsh."""
    from trainhub.accreditation.services.certificates import in_language

    side = in_language(certificate, language)
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [_identity(certificate)],
        "achievement": _achievement(certificate, language),
    }
    if certificate.credits is not None:
        subject["creditsEarned"] = float(certificate.credits)
    credential: dict[str, Any] = {
        "@context": CONTEXT,
        "id": external_url("accreditation.verify_certificate", code=certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": side.achievement.text,
        "issuer": {**issuer_profile(language), "name": side.issuer.text},
        "validFrom": f"{certificate.awarded_on.isoformat()}T00:00:00Z",
        "credentialSubject": subject,
        "credentialStatus": credential_status(certificate),
    }
    if certificate.revoked_at is not None:
        credential["validUntil"] = _timestamp(certificate.revoked_at)
    return credential


def _seconds(stamp: str) -> int:
    return int(dt.datetime.fromisoformat(stamp).timestamp())


def sign(credential: dict[str, Any]) -> str:
    """The credential as a VC-JWT (compact JWS), signed by the newest key.

    :raises credential_keys.NoSigningKey: when there is no private key.
    """
    kid, key = credential_keys.signing_key()
    claims = dict(credential)
    claims["iss"] = credential["issuer"]["id"]
    claims["jti"] = credential["id"]
    subject_id = credential["credentialSubject"].get("id")
    if subject_id:  # ours has none: the learner is a hashed identifier, not a URL
        claims["sub"] = subject_id
    claims["nbf"] = _seconds(credential["validFrom"])
    claims["iat"] = int(utcnow().timestamp())
    if "validUntil" in credential:
        claims["exp"] = _seconds(credential["validUntil"])
    header = {"alg": credential_keys.ALGORITHM, "typ": JWT_TYPE, "kid": key_url(kid)}
    return jwt.encode(header, claims, key, algorithms=[credential_keys.ALGORITHM])


def signed_badge(certificate: Certificate, language: str = ENGLISH) -> str:
    return sign(open_badge_credential(certificate, language))


# Revocation --------------------------------------------------------------------------------


def status_list_count() -> int:
    """How many status lists there are (enough for every certificate id)."""
    highest = db.session.execute(select(func.max(Certificate.id))).scalar() or 0
    return int(highest) // STATUS_LIST_BITS + 1


def encoded_list(number: int) -> str:
    """The list's bits (1: revoked; the first index is the leftmost bit), GZIP-compressed
    and multibase base64url-encoded ("u", no padding), as Bitstring Status List v1.0 says."""
    start = number * STATUS_LIST_BITS
    revoked = db.session.execute(
        select(Certificate.id).where(
            Certificate.status == REVOKED,
            Certificate.id >= start,
            Certificate.id < start + STATUS_LIST_BITS,
        )
    ).scalars()
    bits = bytearray(STATUS_LIST_BITS // 8)
    for certificate_id in revoked:
        index = certificate_id - start
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


#: How far back a status list's validFrom (and nbf) is put, for verifiers' clocks.
STATUS_LIST_CLOCK_SKEW: Final = dt.timedelta(minutes=5)


def status_list_credential(number: int) -> dict[str, Any]:
    url = status_list_url(number)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        # A few minutes back: a verifier whose clock is a little slow still takes it.
        "validFrom": _timestamp(utcnow() - STATUS_LIST_CLOCK_SKEW),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(number),
        },
    }


def sign_status_list(credential: dict[str, Any]) -> str:
    kid, key = credential_keys.signing_key()
    claims = {
        **credential,
        "iss": credential["issuer"],
        "jti": credential["id"],
        "nbf": _seconds(credential["validFrom"]),
        "iat": _seconds(credential["validFrom"]),
    }
    header = {"alg": credential_keys.ALGORITHM, "typ": JWT_TYPE, "kid": key_url(kid)}
    return jwt.encode(header, claims, key, algorithms=[credential_keys.ALGORITHM])


def revocation_list(certificate: Certificate) -> dict[str, Any]:
    """The 1EdTech Revocation List of one certificate (badges downloaded before the status
    list point their ``credentialStatus`` at it): revoked, it lists the credential."""
    revoked: list[dict[str, Any]] = []
    if certificate.status == REVOKED:
        entry: dict[str, Any] = {
            "id": external_url("accreditation.verify_certificate", code=certificate.code)
        }
        if certificate.revoked_reason:
            entry["revocationReason"] = certificate.revoked_reason
        revoked.append(entry)
    return {
        "id": external_url("accreditation.certificate_status", code=certificate.code),
        "issuer": issuer_id(),
        "revokedCredentials": revoked,
    }


# Images ------------------------------------------------------------------------------------

_SVG_TEMPLATE = """<svg xmlns="http://www.w3.org/2000/svg"{namespace} viewBox="0 0 400 400" \
width="400" height="400" role="img" aria-labelledby="badge-title">{credential}
<title id="badge-title">{title}</title>
<circle cx="200" cy="200" r="190" fill="#1d70b8"/>
<circle cx="200" cy="200" r="172" fill="#ffffff"/>
<circle cx="200" cy="200" r="160" fill="#003078"/>
<text x="200" y="105" text-anchor="middle" font-family="Arial, sans-serif" font-size="22" \
fill="#ffffff">{kind}</text>
<text x="200" y="{main_y}" text-anchor="middle" font-family="Arial, sans-serif" \
font-size="{main_size}" font-weight="bold" fill="#ffffff">{main}</text>
{lines}
<text x="200" y="330" text-anchor="middle" font-family="Arial, sans-serif" font-size="16" \
fill="#ffffff">Certificate · Tystysgrif</text>
</svg>
"""


def _wrap(text: str, width: int = 26, lines: int = 3) -> list[str]:
    words, out, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1] + "…"
    return out


def achievement_image(achievement: dict[str, Any], credential_jwt: str | None = None) -> str:
    """The achievement's badge, in English and Welsh; with ``credential_jwt``, baked (OB 3.0
    §5.3: the VC-JWT as the text of an ``openbadges:credential`` element)."""
    slug = str(achievement["id"]).rsplit("/", 1)[-1]
    if slug.startswith("level-"):
        kind, main, main_size, main_y = "Level · Lefel", slug.removeprefix("level-"), 96, 205
    else:
        kind, main, main_size, main_y = "Course · Cwrs", slug.removeprefix("course-"), 30, 160
    title = str(achievement["name"])
    shown = [] if slug.startswith("level-") else _wrap(title)
    lines = "\n".join(
        f'<text x="200" y="{205 + 30 * i}" text-anchor="middle" font-family="Arial, sans-serif" '
        f'font-size="20" fill="#ffffff">{escape(line)}</text>'
        for i, line in enumerate(shown)
    )
    namespace = credential = ""
    if credential_jwt is not None:
        namespace = f' xmlns:openbadges="{BAKING_NAMESPACE}"'
        credential = f"\n<openbadges:credential>{escape(credential_jwt)}</openbadges:credential>"
    return _SVG_TEMPLATE.format(
        namespace=namespace,
        credential=credential,
        title=escape(title),
        kind=kind,
        main=escape(main),
        main_size=main_size,
        main_y=main_y,
        lines=lines,
    )


#: The PNG chunk keyword OB 3.0 §5.3.1 bakes a credential under (an iTXt chunk, uncompressed).
PNG_KEYWORD: Final = "openbadgecredential"


def achievement_png(achievement: dict[str, Any], credential_jwt: str) -> bytes:
    """The badge as a PNG (the SVG's design, drawn with Pillow), the VC-JWT baked into it."""
    from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

    slug = str(achievement["id"]).rsplit("/", 1)[-1]
    image = Image.new("RGB", (400, 400), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 390, 390), fill="#1d70b8")
    draw.ellipse((28, 28, 372, 372), fill="#ffffff")
    draw.ellipse((40, 40, 360, 360), fill="#003078")

    def text(y: int, line: str, size: int) -> None:
        font = ImageFont.load_default(size=size)
        draw.text((200, y), line, fill="#ffffff", font=font, anchor="ms")

    if slug.startswith("level-"):
        text(105, "Level · Lefel", 22)
        text(205, slug.removeprefix("level-"), 96)
    else:
        text(105, "Course · Cwrs", 22)
        text(160, slug.removeprefix("course-"), 30)
        for i, line in enumerate(_wrap(str(achievement["name"]))):
            text(205 + 30 * i, line, 20)
    text(330, "Certificate · Tystysgrif", 16)
    info = PngImagePlugin.PngInfo()
    info.add_itxt(PNG_KEYWORD, credential_jwt, zip=False)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def baked_png(certificate: Certificate, language: str = ENGLISH) -> bytes:
    credential = open_badge_credential(certificate, language)
    return achievement_png(credential["credentialSubject"]["achievement"], sign(credential))


def baked_svg(certificate: Certificate, language: str = ENGLISH) -> str:
    credential = open_badge_credential(certificate, language)
    return achievement_image(credential["credentialSubject"]["achievement"], sign(credential))
