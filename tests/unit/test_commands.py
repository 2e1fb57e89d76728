"""The shell commands: create-admin and seed-demo."""

from __future__ import annotations

from sqlalchemy import func, select

from expo.accounts.models import EditionRole, User
from expo.demo.seed import DEMO_ACCOUNTS, demo_edition_dates
from expo.editions.models import Edition, Pavilion
from expo.extensions import db
from expo.forums.models import Forum


def test_create_admin(app):
    result = app.test_cli_runner().invoke(
        args=[
            "expo",
            "create-admin",
            "--email",
            "Boss@Example.com",
            "--name",
            "Boss",
            "--password",
            "a-strong-admin-password",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(email="boss@example.com"))
        assert user.is_admin and user.email_confirmed


def test_create_admin_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(
        args=["expo", "create-admin", "--email", "b@example.com", "--name", "B", "--password", "short"]
    )
    assert result.exit_code != 0 and "at least 10 characters" in result.output


def test_seed_demo_loads_the_18th_edition_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["expo", "seed-demo", "--if-empty"])
    second = runner.invoke(args=["expo", "seed-demo", "--if-empty"])
    assert first.exit_code == 0 and "Demo data loaded." in first.output
    assert "already has data" in second.output
    for account in DEMO_ACCOUNTS:
        assert account.email in second.output and account.password in second.output
    with app.app_context():
        edition = db.session.scalar(select(Edition))
        assert edition.name == "18th China-ASEAN Expo" and edition.city == "Nanning"
        assert (edition.starts_on.month, edition.starts_on.day, edition.ends_on.day) == (9, 10, 13)
        pavilion_names = db.session.scalars(select(Pavilion.name)).all()
        assert "Public Health and Pandemic Prevention" in pavilion_names
        main = db.session.scalar(
            select(Forum).where(
                Forum.kind == "main", Forum.parent_id.is_(None), Forum.slug == "health-cooperation-forum"
            )
        )
        assert len(main.sub_forums) == 6
        # The demo accounts, plus the delegates who fill the programme's seats, the exhibitors' owners and
        # the buyers who send the demo exhibitor inquiries (none of them can log in).
        others = ~User.email.like("delegate%") & ~User.email.like("owner.%") & ~User.email.like("buyer.%")
        assert db.session.scalar(select(func.count(User.id)).where(others)) == len(DEMO_ACCOUNTS)
        # The organizer, and the check-in staff of the demo edition.
        assert sorted(db.session.scalars(select(EditionRole.kind))) == [EditionRole.CHECKIN, EditionRole.ORGANIZER]


def test_demo_accounts_can_log_in(app):
    app.test_cli_runner().invoke(args=["expo", "seed-demo"])
    for account in DEMO_ACCOUNTS:
        client = app.test_client()
        response = client.post("/login", data={"email": account.email, "password": account.password})
        assert response.status_code == 302, account.email


def test_demo_edition_is_always_this_or_next_september():
    from datetime import date

    assert demo_edition_dates(date(2026, 11, 26)) == (date(2027, 9, 10), date(2027, 9, 13))
    assert demo_edition_dates(date(2027, 3, 1)) == (date(2027, 9, 10), date(2027, 9, 13))
