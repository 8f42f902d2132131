"""Welsh to and from a translator working outside trainhub (issue 20): every text of every
kind of content a person edits goes out as XLIFF 1.2 or CSV with its English, and their Welsh
comes back after a confirmation page; stale English, blank targets and every kind of bad file
are handled without writing anything they should not."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import make_booking, make_cohort, make_course, make_user
from tests.helpers import (
    QueryCounter,
    as_user,
    banners,
    count,
    field_error,
    follow,
    outbox,
    page,
)
from trainhub import bilingual
from trainhub.accreditation.models import AccreditationLevel, LevelOutcome
from trainhub.audit import AuditEvent
from trainhub.auth.models import Organisation
from trainhub.courses.models import (
    AgendaItem,
    AgendaTopic,
    Cohort,
    Course,
    CourseDay,
    CourseOutcome,
    CourseUnit,
    local_today,
)
from trainhub.errors import ValidationFailed
from trainhub.extensions import db
from trainhub.feedback.models import Questionnaire
from trainhub.feedback.services.questionnaire import ItemDraft, current_questionnaire, save_version
from trainhub.site.models import GlossaryTerm
from trainhub.site.welsh_exchange import XLIFF_NS

NS = {"x": XLIFF_NS}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BOM = b"\xef\xbb\xbf"


def a_course(**overrides: Any) -> Course:
    """A course with a summary, a one-day agenda (a topic and two items) and a unit with two
    outcomes, nothing in Welsh but its title."""
    values: dict[str, Any] = {
        "title": "Working with families",
        "title_cy": "Gweithio gyda theuluoedd",
        "summary": "Two days on the model.",
        "aims": "Listen\nPlan",
    }
    values.update(overrides)
    course = make_course(**values)
    course.days = [
        CourseDay(
            day_number=1,
            topics=[
                AgendaTopic(
                    position=1,
                    title="Welcome",
                    items=[
                        AgendaItem(position=1, text="Hopes"),
                        AgendaItem(position=2, text="Fears"),
                    ],
                )
            ],
        )
    ]
    course.units = [
        CourseUnit(
            position=1,
            title="The model",
            outcomes=[
                CourseOutcome(position=1, text="Explain the model"),
                CourseOutcome(position=2, text="Use the model"),
            ],
        )
    ]
    db.session.flush()
    return course


def a_level() -> AccreditationLevel:
    level = AccreditationLevel(
        number=7,
        title="Leading practice",
        all_outcomes=[LevelOutcome(position=1, text="Lead a team")],
    )
    db.session.add(level)
    db.session.flush()
    return level


def kind(key: str) -> bilingual.ContentKind:
    return next(k for k in bilingual.kinds() if k.key == key)


def keys_of(course: Course) -> dict[str, str]:
    topic = course.days[0].topics[0]
    unit = course.units[0]
    return {
        "summary": f"courses:{course.id}:summary",
        "title": f"courses:{course.id}:title",
        "topic": f"agenda-topics:{topic.id}:title",
        "item": f"agenda-items:{topic.items[1].id}:text",
        "unit": f"course-units:{unit.id}:title",
        "outcome": f"course-outcomes:{unit.outcomes[0].id}:text",
    }


def upload(client: FlaskClient, data: bytes, name: str = "welsh.xlf") -> Any:
    return client.post(
        "/admin/welsh/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def confirm(client: FlaskClient, check: Any) -> Any:
    text = check.get_data(as_text=True)
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', text) or re.search(
        r'type="hidden" name="payload" value="([^"]+)"', text
    )
    assert payload is not None, "no Import button"
    return client.post("/admin/welsh/import/confirm", data={"payload": payload.group(1)})


def fill_xliff(data: bytes, welsh: dict[str, str]) -> bytes:
    """The exported file with a translator's Welsh written into the targets named."""
    ET.register_namespace("", XLIFF_NS)
    root = ET.fromstring(data)
    for unit in root.iter(f"{{{XLIFF_NS}}}trans-unit"):
        if unit.get("id") in welsh:
            target = unit.find("x:target", NS)
            if target is None:
                target = ET.SubElement(unit, f"{{{XLIFF_NS}}}target", {XML_LANG: "cy"})
            target.text = welsh[unit.get("id", "")]
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def csv_file(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["key", "kind", "item", "field", "English", "Welsh"])
    writer.writerows(rows)
    return BOM + out.getvalue().encode()


# Each kind's texts and how their Welsh is written --------------------------------------------


def test_a_courses_texts_come_in_page_order_with_stable_keys(app: Flask) -> None:
    course = a_course()
    keys = keys_of(course)
    with app.test_request_context():
        units = [u for u in kind("courses").units() if u.item == "Working with families"]  # type: ignore[misc]
    assert [u.key for u in units] == [
        keys["title"],
        keys["summary"],
        f"courses:{course.id}:aims",
        keys["topic"],
        f"agenda-items:{course.days[0].topics[0].items[0].id}:text",
        keys["item"],
        keys["unit"],
        keys["outcome"],
        f"course-outcomes:{course.units[0].outcomes[1].id}:text",
    ]
    assert units[0] == bilingual.TextUnit(
        keys["title"],
        "Working with families",
        "Title",
        "Working with families",
        "Gweithio gyda theuluoedd",
    )
    assert units[5].field == "Agenda, day 1, topic 1, item 2" and units[5].welsh is None
    assert units[8].field == "Unit 1, outcome 2"


def test_each_kinds_texts_take_a_fixed_number_of_queries(
    app: Flask, count_queries: QueryCounter
) -> None:
    a_course()
    level = a_level()

    def queries() -> dict[str, int]:
        found = {}
        for each in bilingual.kinds():
            if each.units is not None:
                before = count_queries.count
                each.units()
                found[each.key] = count_queries.count - before
        return found

    with app.test_request_context():
        current_questionnaire()
        few = queries()
        for n in range(4):
            a_course(title=f"More {n}", code=f"MORE-{n}")
            db.session.add(GlossaryTerm(slug=f"t-{n}", term_en=f"T{n}", definition_en="D"))
            db.session.add(
                AccreditationLevel(
                    number=8 + n,
                    title=f"L{n}",
                    all_outcomes=[LevelOutcome(position=1, text="O")],
                )
            )
        level.all_outcomes.append(LevelOutcome(position=2, text="Another"))
        db.session.flush()
        assert queries() == few


def test_course_welsh_is_written_in_place_after_every_key_is_checked(app: Flask) -> None:
    admin = make_user(roles=["admin"])
    course = a_course()
    keys = keys_of(course)
    topic_id = course.days[0].topics[0].id
    apply = kind("courses").apply
    assert apply is not None
    with app.test_request_context():
        written = apply(
            {
                keys["summary"]: " Dau ddiwrnod. ",
                keys["topic"]: "Croeso",
                keys["outcome"]: "Egluro'r model",
            },
            admin,
        )
        assert written == 3
        db.session.expire_all()
        course = db.session.get(Course, course.id)
        assert course is not None and course.summary_cy == "Dau ddiwrnod."
        assert course.days[0].topics[0].id == topic_id  # the row kept: keys stay good
        assert course.days[0].topics[0].title_cy == "Croeso"
        # The same again changes nothing; "" clears.
        assert apply({keys["topic"]: "Croeso"}, admin) == 0
        assert apply({keys["topic"]: ""}, admin) == 1
        assert course.days[0].topics[0].title_cy is None
        for bad, message in (
            ({keys["summary"]: "Iawn", "courses:999999:summary": "x"}, "no longer in trainhub"),
            ({keys["summary"]: "Iawn", f"courses:{course.id}:delivery_notes": "x"}, "no such text"),
            ({keys["summary"]: "Iawn", keys["title"]: "x" * 301}, "longer than 300"),
            ({keys["summary"]: "Iawn", keys["item"]: "x" * 2001}, "longer than 2000"),
            ({keys["summary"]: "Iawn\u202e"}, "hidden control characters"),
        ):
            with pytest.raises(ValidationFailed, match=message) as raised:
                apply(bad, admin)
            assert raised.value.field in bad
            db.session.expire_all()
            assert db.session.get(Course, course.id).summary_cy == "Dau ddiwrnod."  # type: ignore[union-attr]


def test_a_trainer_cannot_change_the_canonical_welsh_of_a_fidelity_controlled_course(
    app: Flask,
) -> None:
    trainer = make_user(roles=["trainer"])
    course = a_course(fidelity_controlled=True, kind="framework")
    keys = keys_of(course)
    apply = kind("courses").apply
    assert apply is not None
    with app.test_request_context():
        assert apply({keys["summary"]: "Dau ddiwrnod."}, trainer) == 1
        for key in (keys["title"], keys["topic"], keys["outcome"]):
            with pytest.raises(ValidationFailed, match="only an administrator"):
                apply({key: "Newydd"}, trainer)


def test_level_glossary_and_questionnaire_welsh_go_through_their_services(app: Flask) -> None:
    admin = make_user(roles=["admin"])
    level = a_level()
    term = GlossaryTerm(
        slug="cpd", term_en="Continuing professional development", definition_en="Learning."
    )
    db.session.add(term)
    db.session.flush()
    with app.test_request_context():
        current_questionnaire()
        versions = count(Questionnaire)
        outcome = level.outcomes[0]
        assert (
            kind("levels").apply(
                {
                    f"levels:{level.id}:title": "Arwain ymarfer",
                    f"level-outcomes:{outcome.id}:text": "Arwain tîm",
                },
                admin,
            )
            == 2
        )  # type: ignore[misc]
        assert level.title_cy == "Arwain ymarfer" and outcome.text_cy == "Arwain tîm"
        glossary = kind("glossary").apply
        assert glossary is not None
        with pytest.raises(ValidationFailed, match=f"glossary:{term.id}:definition"):
            glossary({f"glossary:{term.id}:definition": "Dysgu."}, admin)  # a Welsh term first
        assert (
            glossary(
                {
                    f"glossary:{term.id}:term": "Datblygiad proffesiynol parhaus",
                    f"glossary:{term.id}:definition": "Dysgu.",
                },
                admin,
            )
            == 2
        )
        assert term.definition_cy == "Dysgu."
        assert db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "glossary.changed")
        ).first()
        units = kind("questionnaire").units()  # type: ignore[misc]
        first = units[0]
        assert first.key.startswith("questionnaire:") and first.welsh
        assert kind("questionnaire").apply({first.key: "Cymraeg newydd"}, admin) == 1  # type: ignore[misc]
        assert count(Questionnaire) == versions + 1
        assert current_questionnaire().items[0].text_cy == "Cymraeg newydd"
        assert kind("questionnaire").units()[0].key == first.key  # type: ignore[misc]


def test_the_glossary_and_questionnaire_gaps_are_listed(app: Flask) -> None:
    admin = make_user(roles=["admin"])
    db.session.add(
        GlossaryTerm(slug="fgc", term_en="Family group conference", definition_en="A meeting.")
    )
    with app.test_request_context():
        items = current_questionnaire().items
        drafts = [ItemDraft(i.key, i.kind, i.text, i.text_cy) for i in items]
        save_version(admin, [*drafts, ItemDraft("", "text", "Anything else?")], "One more")
    client = as_user(app, admin)
    text = page(client.get("/admin/welsh"))
    assert 'id="glossary"' in text and "Family group conference" in text
    anchor = f"items-{len(items) + 1}-text_cy"
    assert f'/admin/feedback/questionnaire/edit#{anchor}"' in text
    assert f'id="{anchor}"' in page(client.get("/admin/feedback/questionnaire/edit"))


def test_the_check_page_takes_a_fixed_number_of_queries(
    app: Flask, count_queries: QueryCounter
) -> None:
    courses = [a_course(title=f"Course {n}", code=f"Q-{n}") for n in range(6)]
    client = as_user(app, make_user(roles=["trainer"]))

    def check(many: int) -> int:
        rows = []
        for course in courses[:many]:
            keys = keys_of(course)
            rows.append([keys["summary"], "", "", "", "Two days on the model.", "Dau ddiwrnod."])
            rows.append([keys["topic"], "", "", "", "Welcome", "Croeso"])
            rows.append([keys["outcome"], "", "", "", "Explain the model", "Egluro"])
        before = count_queries.count
        response = upload(client, csv_file(rows), "x.csv")
        assert response.status_code == 200
        return count_queries.count - before

    assert check(1) == check(6)


# Export -------------------------------------------------------------------------------------


def test_the_xliff_has_a_file_per_kind_ids_languages_and_targets(app: Flask) -> None:
    course = a_course()
    keys = keys_of(course)
    a_level()
    db.session.add(GlossaryTerm(slug="cpd", term_en="CPD", definition_en="Learning."))
    client = as_user(app, make_user(roles=["admin"]))
    response = client.get("/admin/welsh/export.xlf?which=all")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    root = ET.fromstring(response.get_data())
    assert root.tag == f"{{{XLIFF_NS}}}xliff" and root.get("version") == "1.2"
    files = {f.get("original"): f for f in root.findall("x:file", NS)}
    assert {"trainhub/courses", "trainhub/levels", "trainhub/glossary"} <= set(files)
    for file in files.values():
        assert file.get("source-language") == "en" and file.get("target-language") == "cy"
    units = {u.get("id"): u for u in files["trainhub/courses"].iter(f"{{{XLIFF_NS}}}trans-unit")}
    title = units[keys["title"]]
    assert title.find("x:source", NS).get(XML_LANG) == "en"  # type: ignore[union-attr]
    target = title.find("x:target", NS)
    assert target is not None and target.text == "Gweithio gyda theuluoedd"
    assert target.get(XML_LANG) == "cy" and target.get("state") == "translated"
    assert units[keys["summary"]].find("x:target", NS) is None
    note = units[keys["item"]].find("x:note", NS)
    assert (
        note is not None and note.text == "Working with families — Agenda, day 1, topic 1, item 2"
    )
    # By default only what lacks Welsh.
    missing = ET.fromstring(client.get("/admin/welsh/export.xlf").get_data())
    ids = {u.get("id") for u in missing.iter(f"{{{XLIFF_NS}}}trans-unit")}
    assert keys["summary"] in ids and keys["title"] not in ids


def test_the_csv_is_formula_safe_and_opens_with_its_welsh_letters(app: Flask) -> None:
    course = a_course(summary='=HYPERLINK("http://x")', title_cy="Ŵyr – ŷd")
    client = as_user(app, make_user(roles=["trainer"]))
    data = client.get("/admin/welsh/export.csv?which=all").get_data()
    assert data.startswith(BOM)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["key", "kind", "item", "field", "English", "Welsh"]
    by_key = {row[0]: row for row in rows[1:]}
    assert by_key[f"courses:{course.id}:summary"][4] == '\'=HYPERLINK("http://x")'
    assert by_key[f"courses:{course.id}:title"][5] == "Ŵyr – ŷd"


def test_each_person_gets_only_the_kinds_they_edit(app: Flask) -> None:
    a_course()
    a_level()
    trainer = as_user(app, make_user(roles=["trainer"]))
    root = ET.fromstring(trainer.get("/admin/welsh/export.xlf?which=all").get_data())
    assert [f.get("original") for f in root.findall("x:file", NS)] == ["trainhub/courses"]
    assert "Work with a translator" in page(trainer.get("/admin/welsh"))
    # Managers write cohorts', organisations' and the report's Welsh, not the catalogue's.
    db.session.add(Organisation(name="Bro Morgannwg Council"))
    db.session.commit()
    manager = as_user(app, make_user(roles=["manager"]))
    root = ET.fromstring(manager.get("/admin/welsh/export.xlf?which=all").get_data())
    files = {f.get("original") for f in root.findall("x:file", NS)}
    assert files and files <= {"trainhub/cohorts", "trainhub/organisations", "trainhub/narrative"}
    for role in ("learner", "assessor"):
        client = as_user(app, make_user(roles=[role]))
        assert client.get("/admin/welsh/export.xlf").status_code == 403
        assert client.get("/admin/welsh/import").status_code == 403


def test_a_bad_choice_in_the_address_is_refused(app: Flask) -> None:
    client = as_user(app, make_user(roles=["admin"]))
    assert client.get("/admin/welsh/export.csv?which=some").status_code == 400


# Import -------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["xliff", "csv"])
def test_a_translation_goes_round_and_shows_on_the_course_page(app: Flask, shape: str) -> None:
    course = a_course(code="ROUND-1")
    keys = keys_of(course)
    client = as_user(app, make_user(roles=["admin"]))
    if shape == "xliff":
        exported = client.get("/admin/welsh/export.xlf").get_data()
        filled = fill_xliff(
            exported, {keys["summary"]: "Dau ddiwrnod ar y model.", keys["item"]: "Ofnau"}
        )
    else:
        exported = client.get("/admin/welsh/export.csv").get_data()
        rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
        for row in rows[1:]:
            row[5] = {keys["summary"]: "Dau ddiwrnod ar y model.", keys["item"]: "Ofnau"}.get(
                row[0], ""
            )
        filled = csv_file(rows[1:])

    check = upload(client, filled, f"welsh.{shape}")

    assert check.status_code == 200
    text = page(check)
    assert "Check the Welsh before you import it" in text
    assert "Dau ddiwrnod ar y model." in text and "Ofnau" in text
    assert "2 texts change" in text
    assert "Import 2 translations" in text
    db.session.expire_all()
    assert db.session.get(Course, course.id).summary_cy is None  # type: ignore[union-attr]

    done = confirm(client, check)

    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/welsh")
    assert ("success", "2 translations imported.") in banners(follow(client, done))
    db.session.expire_all()
    assert db.session.get(Course, course.id).summary_cy == "Dau ddiwrnod ar y model."  # type: ignore[union-attr]
    assert db.session.get(AgendaItem, course.days[0].topics[0].items[1].id).text_cy == "Ofnau"  # type: ignore[union-attr]
    assert count(AuditEvent, AuditEvent.action == "welsh.imported") == 1
    client.get("/language/cy")
    assert "Dau ddiwrnod ar y model." in page(client.get("/courses/ROUND-1"))


def test_a_translation_of_english_that_changed_since_is_not_imported(app: Flask) -> None:
    course = a_course()
    keys = keys_of(course)
    client = as_user(app, make_user(roles=["admin"]))
    exported = client.get("/admin/welsh/export.xlf").get_data()
    filled = fill_xliff(exported, {keys["summary"]: "Dau ddiwrnod.", keys["topic"]: "Croeso"})
    course.summary = "Three days on the model."
    db.session.commit()

    check = upload(client, filled)

    text = page(check)
    assert "English has changed since export: not imported" in text
    assert "Two days on the model." in text and "Three days on the model." in text
    assert "Import 1 translation" in text
    confirm(client, check)
    db.session.expire_all()
    course = db.session.get(Course, course.id)  # type: ignore[assignment]
    assert course.summary_cy is None and course.days[0].topics[0].title_cy == "Croeso"


def test_a_translation_of_a_row_gone_since_the_export_is_listed_not_imported(
    app: Flask,
) -> None:
    course = a_course()
    keys = keys_of(course)
    client = as_user(app, make_user(roles=["admin"]))
    exported = client.get("/admin/welsh/export.xlf").get_data()
    filled = fill_xliff(exported, {keys["item"]: "Eitem", keys["topic"]: "Croeso"})
    topic = course.days[0].topics[0]
    db.session.delete(topic.items[1])
    db.session.commit()

    check = upload(client, filled)

    assert check.status_code == 200
    text = page(check)
    assert "No longer in trainhub: not imported" in text and keys["item"] in text
    assert "Import 1 translation" in text
    confirm(client, check)
    db.session.expire_all()
    assert db.session.get(AgendaTopic, topic.id).title_cy == "Croeso"  # type: ignore[union-attr]


def test_a_questionnaire_item_removed_since_the_export_is_listed_not_imported(
    app: Flask,
) -> None:
    course = a_course()
    keys = keys_of(course)
    admin = make_user(roles=["admin"])
    client = as_user(app, admin)
    with app.test_request_context():
        current = current_questionnaire()
        removed = next(item for item in current.items[1:] if item.kind != "rating")
        removed_key = f"questionnaire:{removed.key}:text"
        filled = csv_file(
            [
                [keys["topic"], "", "", "", "Welcome", "Croeso"],
                [removed_key, "", "", "", removed.text, "Cwestiwn"],
            ]
        )
        drafts = [
            ItemDraft(item.key, item.kind, item.text, item.text_cy or "")
            for item in current.items
            if item.key != removed.key
        ]
        save_version(admin, drafts, "One question fewer")
    db.session.commit()

    check = upload(client, filled, "x.csv")

    assert check.status_code == 200, field_error(check.get_data(as_text=True), "file")
    text = page(check)
    assert "No longer in trainhub: not imported" in text and removed_key in text
    assert "Import 1 translation" in text


def test_a_text_whose_english_was_emptied_since_the_export_is_listed_not_imported(
    app: Flask,
) -> None:
    course = a_course()
    make_course(summary="Another course's summary.")  # summaries are texts trainhub has
    keys = keys_of(course)
    client = as_user(app, make_user(roles=["admin"]))
    filled = fill_xliff(
        client.get("/admin/welsh/export.xlf").get_data(),
        {keys["summary"]: "Dau ddiwrnod.", keys["topic"]: "Croeso"},
    )
    course.summary = ""
    db.session.commit()

    check = upload(client, filled)

    assert check.status_code == 200, field_error(check.get_data(as_text=True), "file")
    text = page(check)
    assert "No longer in trainhub: not imported" in text and keys["summary"] in text
    assert "Import 1 translation" in text
    confirm(client, check)
    db.session.expire_all()
    assert db.session.get(Course, course.id).summary_cy is None  # type: ignore[union-attr]


def test_an_imported_welsh_cohort_title_updates_calendars_on_import_not_on_the_check(
    app: Flask,
) -> None:
    cohort = make_cohort(title="Spring cohort", start=local_today() + timedelta(9))
    learner = make_user(roles=["learner"])
    make_booking(cohort, learner, calendar_sequence=1)
    sequence = cohort.sequence
    db.session.commit()
    client = as_user(app, make_user(roles=["admin"]))
    filled = csv_file([[f"cohorts:{cohort.id}:title", "", "", "", "Spring cohort", "Carfan"]])

    check = upload(client, filled, "x.csv")

    assert "Import 1 translation" in page(check)
    db.session.expire_all()
    assert db.session.get_one(Cohort, cohort.id).sequence == sequence
    assert outbox(learner) == []
    confirm(client, check)
    db.session.expire_all()
    assert db.session.get_one(Cohort, cohort.id).sequence == sequence + 1
    assert [m.subject for m in outbox(learner)] == ["Changed: Spring cohort"]


def test_a_trainer_neither_exports_nor_imports_a_fidelity_courses_canonical_welsh(
    app: Flask,
) -> None:
    course = a_course(fidelity_controlled=True, kind="framework")
    keys = keys_of(course)
    client = as_user(app, make_user(roles=["trainer"]))
    exported = client.get("/admin/welsh/export.csv?which=all").get_data().decode("utf-8-sig")
    exported_keys = {row[0] for row in csv.reader(io.StringIO(exported))}
    assert keys["summary"] in exported_keys
    for name in ("title", "topic", "item", "unit", "outcome"):
        assert keys[name] not in exported_keys, name
    assert f"courses:{course.id}:aims" not in exported_keys
    # A file from an administrator's export, filled in, brought by a trainer.
    filled = csv_file(
        [
            [keys["summary"], "", "", "", "Two days on the model.", "Dau ddiwrnod."],
            [keys["title"], "", "", "", "Working with families", "Teitl newydd"],
            [keys["topic"], "", "", "", "Welcome", "Croeso"],
        ]
    )

    check = upload(client, filled, "x.csv")

    assert check.status_code == 200, field_error(check.get_data(as_text=True), "file")
    text = page(check)
    assert "You cannot change these: not imported" in text and "Teitl newydd" in text
    assert "Import 1 translation" in text
    confirm(client, check)
    db.session.expire_all()
    fresh = db.session.get(Course, course.id)
    assert fresh is not None and fresh.summary_cy == "Dau ddiwrnod."
    assert fresh.title_cy == "Gweithio gyda theuluoedd"
    assert fresh.days[0].topics[0].title_cy is None


@pytest.mark.parametrize("char", ["\x01", "\u202e"])
@pytest.mark.parametrize("target", ["cohort", "level outcome", "questionnaire"])
def test_imported_welsh_with_a_control_character_is_refused(
    app: Flask, target: str, char: str
) -> None:
    course = a_course()
    keys = keys_of(course)
    admin = make_user(roles=["admin"])
    cohort = make_cohort(title="Spring cohort", start=local_today() + timedelta(9))
    level = a_level()
    with app.test_request_context():
        item = current_questionnaire().items[0]
    db.session.commit()
    key, english = {
        "cohort": (f"cohorts:{cohort.id}:title", "Spring cohort"),
        "level outcome": (f"level-outcomes:{level.outcomes[0].id}:text", "Lead a team"),
        "questionnaire": (f"questionnaire:{item.key}:text", item.text),
    }[target]
    versions = count(Questionnaire)
    client = as_user(app, admin)
    filled = csv_file(
        [
            [keys["topic"], "", "", "", "Welcome", "Croeso"],
            [key, "", "", "", english, f"Cymraeg{char}cudd"],
        ]
    )

    response = upload(client, filled, "x.csv")

    assert response.status_code == 400
    error = field_error(response.get_data(as_text=True), "file") or ""
    assert key in error and "hidden control characters" in error
    db.session.expire_all()
    assert db.session.get(AgendaTopic, course.days[0].topics[0].id).title_cy is None  # type: ignore[union-attr]
    assert db.session.get_one(Cohort, cohort.id).title_cy is None
    assert db.session.get_one(LevelOutcome, level.outcomes[0].id).text_cy is None
    assert count(Questionnaire) == versions


def test_the_check_page_marks_only_english_texts_as_english(app: Flask) -> None:
    course = a_course()
    keys = keys_of(course)
    client = as_user(app, make_user(roles=["admin"]))
    client.get("/language/cy")
    with app.test_request_context():
        item = current_questionnaire().items[0]
    db.session.commit()
    filled = csv_file(
        [
            [keys["summary"], "", "", "", "Two days on the model.", "Dau ddiwrnod."],
            [keys["topic"], "", "", "", "Hello", "Croeso"],  # stale: the English is "Welcome"
            [f"questionnaire:{item.key}:text", "", "", "", item.text, "Cwestiwn newydd"],
        ]
    )

    html = upload(client, filled, "x.csv").get_data(as_text=True)

    cells = re.findall(r'<td class="govuk-table__cell"( lang="en")?>([^<]*)</td>', html)
    items = [(lang, text) for lang, text in cells if text in ("Working with families",)]
    assert items and all(lang == "" for lang, _text in items)
    assert not re.search(r'lang="en">\s*(Cwestiwn|Question) \d', html)
    assert '<td class="govuk-table__cell" lang="en">Welcome</td>' in html  # English now


def test_the_english_changing_between_check_and_import_is_caught_on_import(app: Flask) -> None:
    course = a_course()
    keys = keys_of(course)
    client = as_user(app, make_user(roles=["admin"]))
    filled = fill_xliff(
        client.get("/admin/welsh/export.xlf").get_data(), {keys["summary"]: "Dau ddiwrnod."}
    )
    check = upload(client, filled)
    course.summary = "Changed meanwhile."
    db.session.commit()
    confirm(client, check)
    db.session.expire_all()
    assert db.session.get(Course, course.id).summary_cy is None  # type: ignore[union-attr]


def test_blank_targets_never_clear_welsh_and_unchanged_ones_are_counted(app: Flask) -> None:
    course = a_course(summary_cy="Dau ddiwrnod.")
    keys = keys_of(course)
    client = as_user(app, make_user(roles=["admin"]))
    rows = [
        [keys["title"], "courses", "", "", "Working with families", ""],
        [keys["summary"], "courses", "", "", "Two days on the model.", "Dau ddiwrnod."],
        [keys["topic"], "courses", "", "", "Welcome", "Croeso"],
    ]
    text = page(upload(client, csv_file(rows), "welsh.csv"))
    assert "1 text changes" in text
    assert re.search(r"Already as the file says</dt>\s*<dd[^>]*>1 text<", text)
    assert re.search(r"left as they are\)</dt>\s*<dd[^>]*>1 text<", text)
    db.session.expire_all()
    assert db.session.get(Course, course.id).title_cy == "Gweithio gyda theuluoedd"  # type: ignore[union-attr]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="en"
target-language="cy" datatype="plaintext" original="x"><body><trans-unit id="k"><source>a</source>
<target>&lol2;</target></trans-unit></body></file></xliff>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="en"
target-language="cy" datatype="plaintext" original="x"><body><trans-unit id="k"><source>a</source>
<target>&secret;</target></trans-unit></body></file></xliff>"""


def _errors(app: Flask, course: Course) -> dict[str, tuple[bytes, str, str]]:
    keys = keys_of(course)
    level = a_level()
    return {
        "not a file we read": (b"\x89PNG\r\n\x1a\n\x00\x00binary", "x.png", "not XLIFF or CSV"),
        "broken xml": (b"<xliff><file>", "x.xlf", "could not be read"),
        "other xml": (b"<html><body/></html>", "x.xlf", "not XLIFF 1.2"),
        "wrong columns": (
            BOM + b"id,text\r\n1,Helo\r\n",
            "x.csv",
            "first row must name its columns",
        ),
        "empty": (b"", "x.csv", "The selected file is empty"),
        "header only": (csv_file([]), "x.csv", "no texts"),
        "unknown key": (
            csv_file([["timetables:1:summary", "", "", "", "A", "B"]]),
            "x.csv",
            "no such text",
        ),
        "unknown text of a row that is there": (
            csv_file([[f"courses:{course.id}:delivery_notes", "", "", "", "A", "B"]]),
            "x.csv",
            "no such text",
        ),
        "twice": (
            csv_file([[keys["topic"], "", "", "", "Welcome", "Croeso"]] * 2),
            "x.csv",
            "in the file twice",
        ),
        "too long": (
            csv_file(
                [
                    [keys["topic"], "", "", "", "Welcome", "Croeso"],
                    [keys["title"], "", "", "", "Working with families", "x" * 301],
                ]
            ),
            "x.csv",
            "longer than 300 characters",
        ),
        "not my kind": (
            csv_file(
                [
                    [keys["topic"], "", "", "", "Welcome", "Croeso"],
                    [f"levels:{level.id}:title", "", "", "", "Leading practice", "Arwain"],
                ]
            ),
            "x.csv",
            "you cannot change this kind of content (Accreditation levels)",
        ),
        "billion laughs": (BILLION_LAUGHS, "x.xlf", "declares a document type"),
        "xxe": (XXE, "x.xlf", "declares a document type"),
        "not welsh": (
            b'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file '
            b'source-language="en" target-language="fr" original="x" datatype="plaintext"><body/>'
            b"</file></xliff>",
            "x.xlf",
            "not Welsh",
        ),
    }


def test_every_bad_file_is_refused_on_the_field_and_nothing_is_written(app: Flask) -> None:
    course = a_course()
    client = as_user(app, make_user(roles=["trainer"]))
    for name, (data, filename, message) in _errors(app, course).items():
        response = upload(client, data, filename)
        assert response.status_code == 400, name
        error = field_error(response.get_data(as_text=True), "file")
        assert error is not None and message in error, (name, error)
        db.session.expire_all()
        fresh = db.session.get(Course, course.id)
        assert fresh is not None and fresh.days[0].topics[0].title_cy is None, name
        assert fresh.title_cy == "Gweithio gyda theuluoedd", name


def test_no_file_chosen_and_a_tampered_confirmation_are_refused(app: Flask) -> None:
    course = a_course()
    client = as_user(app, make_user(roles=["admin"]))
    response = client.post("/admin/welsh/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert (
        field_error(response.get_data(as_text=True), "file")
        == "Choose the XLIFF or CSV file with the Welsh"
    )
    response = client.post("/admin/welsh/import/confirm", data={"payload": "forged.token"})
    assert response.status_code == 400
    assert "expired" in (field_error(response.get_data(as_text=True), "file") or "")
    # A check signed for someone else does not import for them.
    keys = keys_of(course)
    check = upload(client, csv_file([[keys["topic"], "", "", "", "Welcome", "Croeso"]]), "x.csv")
    other = as_user(app, make_user(roles=["admin"]))
    assert confirm(other, check).status_code == 400
    db.session.expire_all()
    assert db.session.get(AgendaTopic, course.days[0].topics[0].id).title_cy is None  # type: ignore[union-attr]


def test_the_exported_csv_imports_as_downloaded_with_its_formula_escapes(app: Flask) -> None:
    course = a_course(summary="-5 days")
    client = as_user(app, make_user(roles=["admin"]))
    exported = client.get("/admin/welsh/export.csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported)))
    for row in rows[1:]:
        if row[0] == f"courses:{course.id}:summary":
            assert row[4] == "'-5 days"
            row[5] = "'-5 diwrnod"
    check = upload(client, csv_file(rows[1:]), "x.csv")
    assert "English has changed" not in page(check).split("</dl>")[1]
    confirm(client, check)
    db.session.expire_all()
    assert db.session.get(Course, course.id).summary_cy == "-5 diwrnod"  # type: ignore[union-attr]


def test_more_translations_than_the_page_can_keep_are_imported_in_parts(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trainhub.site import welsh_views

    monkeypatch.setattr(welsh_views, "CONFIRM_MAX_CHARS", 10)
    keys = keys_of(a_course())
    client = as_user(app, make_user(roles=["admin"]))
    text = page(
        upload(client, csv_file([[keys["topic"], "", "", "", "Welcome", "Croeso"]]), "x.csv")
    )
    assert "split the file in two" in text and "Import 1 translation" not in text
