"""Account administration: create, edit, roles, deactivate, supervisors, organisations."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import make_organisation, make_user
from tests.helpers import login
from trainhub.auth import services
from trainhub.auth.models import Organisation, User
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.mail.models import OutboxMessage

pytestmark = pytest.mark.usefixtures("app")


def account(**overrides):
    data = {
        "email": "new.colleague@example.org",
        "full_name": "New Colleague",
        "preferred_language": "en",
        "roles": ["trainer", "assessor"],
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin_client(client):
    admin = make_user(roles=["admin"], email="admin@example.org")
    db.session.commit()
    login(client, admin)
    client.admin = admin
    return client


def test_admin_creates_an_account_and_the_person_is_invited(admin_client):
    response = admin_client.post("/admin/users/new", data=account())
    assert response.status_code == 302
    user = db.session.execute(
        select(User).where(User.email == "new.colleague@example.org")
    ).scalar_one()
    assert user.roles == {"trainer", "assessor"}
    assert user.password_hash is None
    [invite] = db.session.execute(select(OutboxMessage)).scalars()
    assert invite.to_address == "new.colleague@example.org"
    assert "/password/reset/" in invite.body


def test_creating_a_duplicate_account_writes_nothing(admin_client):
    make_user(email="new.colleague@example.org")
    db.session.commit()
    response = admin_client.post(
        "/admin/users/new", data=account(email="NEW.colleague@example.org")
    )
    assert response.status_code == 400
    assert "An account with this email address already exists" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_an_account_needs_a_role(admin_client):
    response = admin_client.post("/admin/users/new", data=account(roles=[]))
    assert response.status_code == 400
    assert "Choose at least one role" in response.get_data(as_text=True)


def test_admin_edits_roles_and_supervisor(admin_client):
    person = make_user(email="person@example.org")
    boss = make_user(email="boss@example.org")
    db.session.commit()
    response = admin_client.post(
        f"/admin/users/{person.id}",
        data=account(
            email="person@example.org",
            roles=["learner", "manager"],
            supervisor_email="BOSS@example.org",
        ),
    )
    assert response.status_code == 302
    person = db.session.get(User, person.id)
    assert person.roles == {"learner", "manager"}
    assert person.supervisor_id == boss.id


def test_unknown_supervisor_is_a_field_error(admin_client):
    person = make_user(email="person@example.org")
    db.session.commit()
    response = admin_client.post(
        f"/admin/users/{person.id}",
        data=account(email="person@example.org", supervisor_email="ghost@example.org"),
    )
    assert response.status_code == 400
    assert "There is no account with that email address" in response.get_data(as_text=True)
    assert db.session.get(User, person.id).roles == {"learner"}


def test_nobody_supervises_themselves():
    person = make_user(email="self@example.org")
    admin = make_user(roles=["admin"])
    data = services.AccountData(
        full_name="Self", email="self@example.org", supervisor_email="self@example.org"
    )
    with pytest.raises(ValidationFailed) as error:
        services.update_user(admin, person, data)
    assert error.value.field == "supervisor_email"


def test_admin_cannot_lock_themselves_out(admin_client):
    admin = admin_client.admin
    response = admin_client.post(
        f"/admin/users/{admin.id}", data=account(email="admin@example.org", roles=["learner"])
    )
    assert response.status_code == 400
    assert "You cannot remove your own administrator role" in response.get_data(as_text=True)
    response = admin_client.post(
        f"/admin/users/{admin.id}/active", data={"active": "no"}, follow_redirects=True
    )
    assert "You cannot deactivate your own account" in response.get_data(as_text=True)
    assert db.session.get(User, admin.id).active


def test_deactivate_and_reactivate(admin_client):
    person = make_user()
    db.session.commit()
    admin_client.post(f"/admin/users/{person.id}/active", data={"active": "no"})
    assert db.session.get(User, person.id).active is False
    admin_client.post(f"/admin/users/{person.id}/active", data={"active": "yes"})
    assert db.session.get(User, person.id).active is True


def test_admin_can_send_a_password_link(admin_client):
    person = make_user(email="p@example.org")
    db.session.commit()
    response = admin_client.post(f"/admin/users/{person.id}/send-reset", follow_redirects=True)
    assert "A link to set a password has been sent to p@example.org" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_only_admins_change_accounts():
    manager = make_user(roles=["manager"])
    person = make_user()
    data = services.AccountData(full_name="X", email="x@example.org")
    with pytest.raises(PermissionDenied):
        services.create_user(manager, data)
    with pytest.raises(PermissionDenied):
        services.update_user(manager, person, data)
    with pytest.raises(PermissionDenied):
        services.set_user_active(manager, person, False)


def test_user_list_search_and_pagination(admin_client, app):
    app.config["PAGE_SIZE"] = 5
    for n in range(12):
        make_user(full_name=f"Learner {n:02d}", email=f"learner{n}@example.org")
    make_user(roles=["trainer"], full_name="Trainer Person", email="trainer@example.org")
    db.session.commit()
    page = admin_client.get("/admin/users?q=trainer").get_data(as_text=True)
    assert "Trainer Person" in page and "Learner 00" not in page
    page = admin_client.get("/admin/users?role=trainer").get_data(as_text=True)
    assert "1 account" in page
    page = admin_client.get("/admin/users?page=3").get_data(as_text=True)
    assert "14 accounts" in page
    assert "Previous" in page
    empty = admin_client.get("/admin/users?q=zzzz").get_data(as_text=True)
    assert "No accounts match" in empty


def test_user_list_has_constant_queries(admin_client, count_queries):
    for _ in range(3):
        make_user(roles=["learner", "trainer"])
    db.session.commit()
    count_queries.statements.clear()
    admin_client.get("/admin/users")
    few = count_queries.count
    for _ in range(20):
        make_user(roles=["learner", "assessor"])
    db.session.commit()
    count_queries.statements.clear()
    admin_client.get("/admin/users")
    assert count_queries.count == few, "\n".join(s[:120] for s in count_queries.statements)


def test_supervisor_sees_only_their_supervisees(client):
    boss = make_user()
    mine = make_user(supervisor=boss, full_name="Supervised Person")
    other = make_user(full_name="Somebody Else")
    db.session.commit()
    login(client, boss)
    page = client.get("/supervisees").get_data(as_text=True)
    assert "Supervised Person" in page and "Somebody Else" not in page
    assert client.get(f"/people/{mine.id}").status_code == 200
    assert client.get(f"/people/{other.id}").status_code == 403
    assert client.get("/people/99999").status_code == 404


def test_organisations_are_unique_ignoring_case(client):
    manager = make_user(roles=["manager"])
    make_organisation(name="Cardiff Council")
    db.session.commit()
    login(client, manager)
    response = client.post(
        "/admin/organisations/new", data={"name": "  cardiff   council ", "is_active": "y"}
    )
    assert response.status_code == 400
    assert "There is already an organisation with this name" in response.get_data(as_text=True)
    response = client.post(
        "/admin/organisations/new", data={"name": "Barnardo's Cymru", "sector": "third_sector"}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 2


def test_withdrawn_organisations_are_not_offered_but_kept(client):
    old = make_organisation(name="Old Partner", is_active=False)
    member = make_user(organisation=old)
    make_organisation(name="Current Partner")
    db.session.commit()
    page = client.get("/register").get_data(as_text=True)
    assert "Current Partner" in page and "Old Partner" not in page
    login(client, member)
    assert "Old Partner" in client.get("/account/edit").get_data(as_text=True)


def test_seed_organisations_is_idempotent():
    first = services.seed_organisations()
    assert "Cardiff and Vale University Health Board" in {o.name for o in first}
    assert services.seed_organisations() == []


def test_managers_see_records_of_their_own_organisation_only(client):
    council = make_organisation(name="Council A")
    board = make_organisation(name="Health Board B")
    manager = make_user(roles=["manager"], organisation=council)
    colleague = make_user(organisation=council)
    stranger = make_user(organisation=board)
    nowhere = make_user()
    db.session.commit()
    login(client, manager)
    assert client.get(f"/people/{colleague.id}").status_code == 200
    assert client.get(f"/people/{stranger.id}").status_code == 403
    assert client.get(f"/people/{nowhere.id}").status_code == 403


def test_send_link_is_a_reset_for_people_with_a_password(admin_client):
    has_password = make_user(email="has@example.org")
    never = make_user(email="never@example.org", password=None)
    db.session.commit()
    admin_client.post(f"/admin/users/{has_password.id}/send-reset")
    admin_client.post(f"/admin/users/{never.id}/send-reset")
    subjects = dict(
        db.session.execute(select(OutboxMessage.to_address, OutboxMessage.subject)).all()
    )
    assert subjects == {
        "has@example.org": "Reset your trainhub password",
        "never@example.org": "Your trainhub account",
    }


def test_a_failed_edit_changes_nothing(admin_client):
    person = make_user(email="person@example.org", full_name="Original Name")
    db.session.commit()
    response = admin_client.post(
        f"/admin/users/{person.id}",
        data=account(
            email="person@example.org", full_name="Renamed", supervisor_email="ghost@example.org"
        ),
    )
    assert response.status_code == 400
    assert "Original Name" in response.get_data(as_text=True)
    assert db.session.get(User, person.id).full_name == "Original Name"


def test_services_refuse_values_outside_the_lists():
    person = make_user()
    with pytest.raises(ValidationFailed) as error:
        services.update_profile(person, services.ProfileData(full_name="X", sector="space"))
    assert error.value.field == "sector"


def test_reactivating_lifts_a_lock(admin_client):
    from trainhub.extensions import utcnow

    person = make_user(locked_until=utcnow().replace(year=2100))
    db.session.commit()
    admin_client.post(f"/admin/users/{person.id}/active", data={"active": "yes"})
    assert db.session.get(User, person.id).locked_until is None


def test_search_treats_wildcards_as_text(admin_client):
    make_user(full_name="Anna Jones", email="anna@example.org")
    db.session.commit()
    assert "No accounts match" in admin_client.get("/admin/users?q=_").get_data(as_text=True)
    assert "Anna Jones" in admin_client.get("/admin/users?q=ANNA").get_data(as_text=True)
