"""Administrators find accounts and grant organizer roles."""

from __future__ import annotations

import pytest

from expo.accounts.models import EditionRole
from expo.extensions import db
from tests.conftest import log_in


def test_admin_grants_and_revokes_an_edition_organizer_role(app, client, factory):
    edition = factory.edition()
    user = factory.user(name="Future organizer")
    log_in(client, factory.admin())
    assert "Future organizer" in client.get("/admin/users?q=future").get_data(as_text=True)

    response = client.post(f"/admin/users/{user.id}", data={"edition": str(edition.id)})
    assert response.status_code == 302
    organizer = app.test_client()
    log_in(organizer, user)
    assert organizer.get(f"/editions/{edition.slug}/edit").status_code == 200

    with app.app_context():
        role = db.session.query(EditionRole).filter_by(user_id=user.id).one()
    client.post(f"/admin/users/{user.id}/roles/{role.id}/revoke")
    assert organizer.get(f"/editions/{edition.slug}/edit").status_code == 403


def test_granting_the_same_role_twice_keeps_one(app, client, factory):
    user = factory.user()
    log_in(client, factory.admin())
    client.post(f"/admin/users/{user.id}", data={"edition": "all"})
    client.post(f"/admin/users/{user.id}", data={"edition": "all"})
    with app.app_context():
        assert db.session.query(EditionRole).filter_by(user_id=user.id).count() == 1


def test_revoking_another_users_role_is_404(client, factory):
    alice, bob = factory.organizer(), factory.organizer()
    log_in(client, factory.admin())
    with client.application.app_context():
        bobs_role = db.session.query(EditionRole).filter_by(user_id=bob.id).one()
    assert client.post(f"/admin/users/{alice.id}/roles/{bobs_role.id}/revoke").status_code == 404


def test_account_list_pages_keep_the_search(client, factory):
    for number in range(55):
        factory.user(name=f"Delegate {number}")
    log_in(client, factory.admin())
    page = client.get("/admin/users?q=delegate").get_data(as_text=True)
    assert "Page 1 of 2" in page
    assert "/admin/users?q=delegate&amp;page=2" in page
    assert "Delegate" in client.get("/admin/users?q=delegate&page=2").get_data(as_text=True)


def test_account_search_matches_percent_and_underscore_as_typed(app, client, factory):
    factory.user(name="Ana 100% Cotton", email="ana@example.com")
    factory.user(name="Bob Plain", email="bob_smith@example.com")
    factory.user(name="Carl Other", email="carlxsmith@example.com")
    log_in(client, factory.admin(name="Ada Admin"))
    percent = client.get("/admin/users", query_string={"q": "100%"}).get_data(as_text=True)
    assert "Ana 100% Cotton" in percent and "Bob Plain" not in percent
    underscore = client.get("/admin/users", query_string={"q": "b_smith"}).get_data(as_text=True)
    assert "Bob Plain" in underscore and "Carl Other" not in underscore


def test_only_administrators_may_search_accounts(app_ctx, factory):
    from expo.accounts.models import User
    from expo.accounts.services import find_accounts
    from expo.extensions import db
    from expo.permissions import NotAllowed

    with pytest.raises(NotAllowed):
        find_accounts(db.session.get(User, factory.user().id), "a")
