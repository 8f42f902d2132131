"""Importing accounts from CSV: every row checked first; any error imports nothing."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from tests.factories import make_organisation, make_user
from tests.helpers import login
from trainhub.auth.models import User
from trainhub.auth.services import IMPORT_COLUMNS, import_users
from trainhub.errors import PermissionDenied
from trainhub.extensions import db
from trainhub.mail.models import OutboxMessage

pytestmark = pytest.mark.usefixtures("app")

HEADER = ",".join(IMPORT_COLUMNS)
GOOD = f"""{HEADER}
ann.example@example.org,Ann Example,learner,Cardiff Council,local_authority,cardiff,social_worker,Social Worker,no,yes,en,
bob.example@example.org,Bob Example,learner;trainer,cardiff council,Health,Vale of Glamorgan,health visitor,,yes,no,cy,ann.example@example.org
"""


def users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


@pytest.fixture
def admin():
    make_organisation(name="Cardiff Council")
    person = make_user(roles=["admin"], email="admin@example.org")
    db.session.commit()
    return person


def test_a_good_file_creates_every_account_and_invites_them(admin):
    result = import_users(admin, GOOD)
    assert result.ok, result.errors
    db.session.commit()
    ann = db.session.execute(
        select(User).where(User.email == "ann.example@example.org")
    ).scalar_one()
    bob = db.session.execute(
        select(User).where(User.email == "bob.example@example.org")
    ).scalar_one()
    assert bob.roles == {"learner", "trainer"}
    assert (bob.sector, bob.local_authority, bob.professional_background) == (
        "health",
        "vale_of_glamorgan",
        "health_visitor",
    )
    assert bob.ifst_member and not bob.supplies_family_support and bob.preferred_language == "cy"
    assert bob.supervisor_id == ann.id  # a supervisor may be a row of the same file
    assert ann.organisation.name == "Cardiff Council"
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2


def test_errors_name_their_line_and_nothing_is_imported(admin):
    make_user(email="exists@example.org")
    db.session.commit()
    text = f"""{HEADER}
good.one@example.org,Good One,learner,,,,,,no,no,en,
not-an-email,Bad Email,learner,,,,,,no,no,en,
exists@example.org,Already Here,learner,,,,,,no,no,en,
x@example.org,,wizard,Nowhere Council,space,atlantis,,,maybe,no,fr,ghost@example.org
good.one@example.org,Twice,learner,,,,,,no,no,en,
"""
    before = users()
    result = import_users(admin, text)
    assert not result.ok
    lines = {(e.line, e.message) for e in result.errors}
    messages = " | ".join(f"{line}: {message}" for line, message in sorted(lines))
    assert (3, "“not-an-email” is not an email address") in lines, messages
    assert (4, "an account with exists@example.org already exists") in lines, messages
    assert any(line == 5 and "full_name is empty" in m for line, m in lines), messages
    assert any(line == 5 and "unknown role(s): wizard" in m for line, m in lines), messages
    assert any(line == 5 and "unknown organisation" in m for line, m in lines), messages
    assert any(line == 5 and "preferred_language" in m for line, m in lines), messages
    assert any(line == 5 and "ghost@example.org has no account" in m for line, m in lines), messages
    assert (6, "good.one@example.org is also on line 2") in lines, messages
    db.session.rollback()
    assert users() == before
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,mail\nA,a@example.org\n", "missing column(s): email, full_name"),
        ("email,full_name,shoe_size\na@example.org,A,9\n", "unknown column(s): shoe_size"),
        ("email,full_name\n", "the file has no rows to import"),
    ],
)
def test_file_shape_problems(admin, text, message):
    result = import_users(admin, text)
    assert message in [e.message for e in result.errors]


def test_only_admins_import():
    with pytest.raises(PermissionDenied):
        import_users(make_user(roles=["manager"]), GOOD)


def test_upload_page_reports_errors_with_line_numbers(client, admin):
    login(client, admin)
    bad = GOOD.replace("ann.example@example.org,Ann", "ann.example@,Ann", 1)
    response = client.post(
        "/admin/users/import",
        data={"file": (io.BytesIO(bad.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "nothing was imported" in page
    assert "Line 2:" in page
    assert users() == 1


def test_upload_page_imports_a_good_file(client, admin):
    login(client, admin)
    response = client.post(
        "/admin/users/import",
        data={"file": (io.BytesIO(("\ufeff" + GOOD).encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "2 accounts created" in response.get_data(as_text=True)
    assert users() == 3


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("people.xlsx", b"PK...", "The file must be a CSV file"),
        ("people.csv", "naïve".encode("latin-1"), "The file must be saved as UTF-8 CSV"),
    ],
)
def test_upload_page_refuses_other_files(client, admin, filename, content, message):
    login(client, admin)
    response = client.post(
        "/admin/users/import",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_template_download_has_the_columns(client, admin):
    login(client, admin)
    response = client.get("/admin/users/import/template.csv")
    assert response.mimetype == "text/csv"
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, as every CSV download
    assert data.decode("utf-8-sig").splitlines()[0] == HEADER


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_cli_import(app, admin, tmp_path, encoding):
    path = tmp_path / "people.csv"
    path.write_text(GOOD, encoding=encoding)  # utf-8-sig: as Excel saves "CSV UTF-8"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "import", str(path), "--by", "admin@example.org"])
    assert result.exit_code == 0, result.output
    assert "Imported 2 account(s)" in result.output
    assert users() == 3


def test_cli_import_reports_lines_and_imports_nothing(app, admin, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(GOOD.replace(",yes,en,", ",perhaps,en,"), encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["users", "import", str(path), "--by", "admin@example.org"]
    )
    assert result.exit_code == 1
    assert "line 2: supplies_family_support must be yes or no" in result.output
    assert "nothing was imported" in result.output
    assert users() == 1


def test_cli_import_needs_an_admin(app, admin, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(GOOD, encoding="utf-8")
    make_user(email="learner@example.org")
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=["users", "import", str(path), "--by", "learner@example.org"]
    )
    assert result.exit_code == 1
    assert "is not an administrator" in result.output


def test_create_first_admin_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create-admin", "First@Example.org", "--name", "First Admin"],
        input="a long admin secret\na long admin secret\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.execute(select(User).where(User.email == "first@example.org")).scalar_one()
    assert user.roles == {"admin"} and user.check_password("a long admin secret")
    again = runner.invoke(
        args=[
            "users",
            "create-admin",
            "first@example.org",
            "--name",
            "X",
            "--password",
            "another long one",
        ]
    )
    assert again.exit_code == 1 and "already exists" in again.output
    weak = runner.invoke(
        args=["users", "create-admin", "b@example.org", "--name", "B", "--password", "short"]
    )
    assert weak.exit_code == 1 and "10 characters" in weak.output


def test_supervisor_may_be_any_row_and_not_oneself(admin):
    later = f"""{HEADER}
first@example.org,First,learner,,,,,,no,no,en,second@example.org
second@example.org,Second,learner,,,,,,no,no,en,
"""
    result = import_users(admin, later)
    assert result.ok, result.errors
    db.session.commit()
    first = db.session.execute(select(User).where(User.email == "first@example.org")).scalar_one()
    assert first.supervisor.email == "second@example.org"
    selfish = f"{HEADER}\nself@example.org,Self,learner,,,,,,no,no,en,self@example.org\n"
    assert [(e.line, e.message) for e in import_users(admin, selfish).errors] == [
        (2, "a person cannot supervise themselves")
    ]


def test_over_long_values_are_line_errors(admin):
    text = f"{HEADER}\nlong@example.org,{'N' * 201},learner,,,,,,no,no,en,\n"
    assert [e.message for e in import_users(admin, text).errors] == [
        "full_name is longer than 200 characters"
    ]


def test_import_runs_a_fixed_number_of_queries(admin, count_queries):
    import_users(
        admin, f"{HEADER}\nwarm@example.org,Warm,learner,,,,,,no,no,en,\n"
    )  # loads the actor
    count_queries.statements.clear()
    rows = "\n".join(f"p{n}@example.org,P {n},learner,,,,,,no,no,en," for n in range(40))
    import_users(admin, f"{HEADER}\n{rows}\n")
    few = len([s for s in count_queries.statements if s.lstrip().upper().startswith("SELECT")])
    count_queries.statements.clear()
    rows = "\n".join(f"q{n}@example.org,Q {n},learner,,,,,,no,no,en," for n in range(120))
    import_users(admin, f"{HEADER}\n{rows}\n")
    many = len([s for s in count_queries.statements if s.lstrip().upper().startswith("SELECT")])
    assert many == few


@pytest.mark.parametrize("email", ["a@", "no-at-sign", "two@@example.org"])
def test_one_email_rule_everywhere(app, email):
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin", email, "--name", "A", "--password", "a long admin secret"]
    )
    assert result.exit_code == 1 and "right format" in result.output


@pytest.mark.parametrize(
    "name", ['"Ann\r\nBcc: x@example.org"', "Ann\u202eExample", "Ann\tExample"]
)
def test_names_with_hidden_characters_are_refused(admin, name):
    text = f"email,full_name\nann.example@example.org,{name}\n"
    result = import_users(admin, text)
    assert not result.ok
    assert "full_name has line breaks or hidden characters: write it on one line" in {
        e.message for e in result.errors
    }
    assert users() == 1
