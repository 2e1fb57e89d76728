"""Shared fixtures: one app per test session, on SQLite by default or on PostgreSQL when
TEST_DATABASE_URL names one; every test starts from empty tables."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy import text

from bench.database import ensure_postgres_database
from expo import create_app
from expo.accounts.models import EditionRole, User
from expo.accounts.services import hash_password
from expo.audit.models import SQLITE_TRIGGERS
from expo.db_types import utcnow
from expo.exhibition.filter_options import forget_filter_options
from expo.extensions import db, limiter
from expo.page_cache import forget_pages

TEST_PASSWORD = "correct-horse-battery"


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return ensure_postgres_database(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
            "WTF_CSRF_ENABLED": False,
            "TASKS_RECORD_ONLY": True,
            "MAIL_SERVER": None,
            "MAIL_OUTBOX_PATH": instance / "outbox",
            "RATELIMIT_STORAGE_URI": "memory://",
            "BASE_URL": "http://expo.test",
            # Cheap argon2 so hundreds of test accounts don't dominate the run; production keeps the defaults.
            "PASSWORD_HASH_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
        },
        instance_path=str(instance),
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()


@pytest.fixture(autouse=True)
def _clean_state(app) -> Iterator[None]:
    app.extensions["expo.recorded_tasks"].clear()
    clear_outbox(app)  # message files are named by id, and ids restart with every test
    yield
    empty_the_database(app)


def empty_the_database(app) -> None:
    """What every test leaves behind: empty tables, fresh rate limits, no cached filter options."""
    with app.app_context():
        db.session.remove()
        tables = db.metadata.sorted_tables
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(table.name for table in tables)
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            # The audit trail refuses DELETE (PostgreSQL's TRUNCATE fires no row trigger): the
            # trigger steps aside for the clean-up only, inside the same transaction.
            db.session.execute(text("DROP TRIGGER audit_entries_no_delete"))
            for table in reversed(tables):
                db.session.execute(table.delete())
            db.session.execute(text(SQLITE_TRIGGERS["audit_entries_no_delete"]))
        db.session.commit()
    limiter.reset()
    # TRUNCATE bypasses the session events that would forget the cached search filters and pages.
    forget_filter_options(app)
    forget_pages(app)


@pytest.fixture()
def app_ctx(app):
    with app.test_request_context():
        yield


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def recorded_tasks(app) -> list:
    return app.extensions["expo.recorded_tasks"]


def run_recorded_tasks(app) -> int:
    """Do what the worker would: run every task published so far, in order."""
    from celery import Task

    import worker.tasks as tasks

    by_name = {task.name: task for task in vars(tasks).values() if isinstance(task, Task)}
    recorded = app.extensions["expo.recorded_tasks"]
    ran = 0
    while recorded:
        name, args = recorded.pop(0)
        with app.app_context():
            by_name[name].run(*args)
        ran += 1
    return ran


def decode_message(raw: bytes) -> str:
    """Headers, then the decoded text and HTML parts: what a mail program would show."""
    from email import message_from_bytes, policy

    message = message_from_bytes(raw, policy=policy.default)
    headers = "".join(f"{name}: {value}\n" for name, value in message.items())
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        if part.get_content_maintype() == "text":
            parts.append(f"Content-Type: {part.get_content_type()}\n{part.get_content()}")
        else:
            parts.append(f"Content-Type: {part.get_content_type()}\nAttachment: {part.get_filename()}")
    return headers + "\n".join(parts)


def outbox_messages(app) -> list[str]:
    outbox: Path = app.config["MAIL_OUTBOX_PATH"]
    if not outbox.exists():
        return []
    return [decode_message(path.read_bytes()) for path in sorted(outbox.glob("*.eml"))]


def clear_outbox(app) -> None:
    outbox: Path = app.config["MAIL_OUTBOX_PATH"]
    if not outbox.exists():
        return
    for path in outbox.glob("*.eml"):
        path.unlink()


def first_link(message: str, path_prefix: str) -> str:
    """The first link in a message whose path starts with ``path_prefix``, as a local path."""
    match = re.search(r"http://expo\.test(" + re.escape(path_prefix) + r"[^\s\"<]+)", message)
    assert match, f"no {path_prefix} link in:\n{message}"
    return match.group(1)


class Factory:
    """Creates rows directly, for arranging a test; commits so the test client sees them."""

    def __init__(self, app):
        self.app = app
        self._count = 0

    def user(
        self, *, email: str | None = None, confirmed: bool = True, password: str = TEST_PASSWORD, **fields
    ) -> User:
        self._count += 1
        with self.app.app_context():
            user = User(
                email=email or f"user{self._count}@example.com",
                password_hash=hash_password(password),
                name=fields.pop("name", f"User {self._count}"),
                email_confirmed_at=utcnow() if confirmed else None,
                **fields,
            )
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    def organizer(self, edition=None, **fields) -> User:
        user = self.user(**fields)
        with self.app.app_context():
            db.session.add(
                EditionRole(user_id=user.id, edition_id=edition.id if edition else None, kind=EditionRole.ORGANIZER)
            )
            db.session.commit()
        return user

    def admin(self, **fields) -> User:
        return self.user(is_admin=True, **fields)

    def edition(self, **fields):
        from datetime import date

        from expo.editions.models import Edition

        self._count += 1
        defaults = dict(
            slug=f"edition-{self._count}",
            name=f"Edition {self._count}",
            starts_on=date(2027, 9, 10),
            ends_on=date(2027, 9, 13),
            timezone="Asia/Shanghai",
            status=Edition.Status.PUBLISHED,
        )
        defaults.update(fields)
        with self.app.app_context():
            edition = Edition(**defaults)
            db.session.add(edition)
            db.session.commit()
            db.session.refresh(edition)
            db.session.expunge(edition)
        return edition

    def company(self, *, owner: User, staff: list[User] = (), **fields):
        from expo.exhibitors.models import CompanyMember, ExhibitorCompany

        self._count += 1
        defaults = dict(
            slug=f"company-{self._count}",
            name=f"Company {self._count}",
            country="CN",
            status=ExhibitorCompany.Status.APPROVED,
        )
        defaults.update(fields)
        with self.app.app_context():
            company = ExhibitorCompany(**defaults)
            company.members.append(CompanyMember(user_id=owner.id, role=CompanyMember.OWNER))
            for member in staff:
                company.members.append(CompanyMember(user_id=member.id, role=CompanyMember.STAFF))
            db.session.add(company)
            db.session.commit()
            db.session.refresh(company)
            db.session.expunge(company)
        return company

    def booth(self, company, **fields):
        """The company's booth, published unless ``status`` says otherwise."""
        from expo.booths.models import Booth

        defaults = dict(
            company_id=company.id, slug=company.slug, country=company.country, status=Booth.Status.PUBLISHED
        )
        defaults.update(fields)
        return self._save(Booth(**defaults))

    def categories(self) -> dict[str, int]:
        """The shared category tree (idempotent); slug -> id."""
        from sqlalchemy import select

        from expo.catalog.category_tree import seed_categories
        from expo.catalog.models import ProductCategory

        with self.app.app_context():
            seed_categories(db.session.connection())
            db.session.commit()
            return {slug: id_ for slug, id_ in db.session.execute(select(ProductCategory.slug, ProductCategory.id))}

    def product(self, booth, **fields):
        from expo.catalog.models import Product

        self._count += 1
        defaults = dict(booth_id=booth.id, slug=f"product-{self._count}", name=f"Product {self._count}")
        defaults.update(fields)
        return self._save(Product(**defaults))

    def placement(self, booth, pavilion, **fields):
        from expo.booths.models import BoothPlacement

        defaults = dict(booth_id=booth.id, edition_id=pavilion.edition_id, pavilion_id=pavilion.id)
        defaults.update(fields)
        return self._save(BoothPlacement(**defaults))

    def pavilion(self, edition, **fields):
        from expo.editions.models import Pavilion

        self._count += 1
        defaults = dict(edition_id=edition.id, slug=f"pavilion-{self._count}", name=f"Pavilion {self._count}")
        defaults.update(fields)
        return self._save(Pavilion(**defaults))

    def forum(self, edition, **fields):
        from expo.forums.models import Forum

        self._count += 1
        defaults = dict(
            edition_id=edition.id, slug=f"forum-{self._count}", title=f"Forum {self._count}", kind=Forum.SUB
        )
        defaults.update(fields)
        return self._save(Forum(**defaults))

    def programme_session(self, forum, **fields):
        from datetime import datetime, timedelta

        from expo.forums.models import ProgrammeSession

        self._count += 1
        starts_at = fields.pop("starts_at", datetime(2027, 9, 11, 1, 0, tzinfo=UTC))
        defaults = dict(
            forum_id=forum.id,
            title=f"Session {self._count}",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            capacity=10,
        )
        defaults.update(fields)
        return self._save(ProgrammeSession(**defaults))

    def speaker(self, edition, **fields):
        from expo.forums.models import Speaker

        self._count += 1
        defaults = dict(edition_id=edition.id, name=f"Speaker {self._count}")
        defaults.update(fields)
        return self._save(Speaker(**defaults))

    def badge(self, edition, user, **fields):
        """A badge row written directly (no issuing rules): for arranging verification and printing."""
        from expo.badges.models import Badge

        defaults = dict(
            edition_id=edition.id,
            user_id=user.id,
            role=Badge.Role.DELEGATE,
            name=user.name,
            company=user.organisation,
            country=user.country,
        )
        defaults.update(fields)
        return self._save(Badge(**defaults))

    def registration(self, user, target, **fields):
        """A registration row written directly (no capacity accounting): for arranging reads."""
        from expo.forums.models import ProgrammeSession
        from expo.registrations.models import Registration

        key = "session_id" if isinstance(target, ProgrammeSession) else "forum_id"
        defaults = {"user_id": user.id, key: target.id, "status": Registration.Status.CONFIRMED}
        defaults.update(fields)
        return self._save(Registration(**defaults))

    def inquiry(self, booth, buyer, *, products=(), message="Please quote.", **fields):
        """An inquiry row with its items and first message, written directly (no e-mails, no event)."""
        from expo.leads.models import InquiryItem, InquiryMessage, TradeInquiry

        defaults = dict(
            booth_id=booth.id, buyer_id=buyer.id, kind=TradeInquiry.Kind.INQUIRY, status=TradeInquiry.Status.NEW
        )
        defaults.update(fields)
        with self.app.app_context():
            inquiry = TradeInquiry(**defaults)
            inquiry.items = [InquiryItem(product_id=product.id, product_name=product.name) for product in products]
            db.session.add(inquiry)
            db.session.flush()
            db.session.add(
                InquiryMessage(
                    inquiry_id=inquiry.id, author_id=buyer.id, side="buyer", body=message, created_at=inquiry.created_at
                )
            )
            db.session.commit()
            db.session.refresh(inquiry)
            db.session.expunge(inquiry)
        return inquiry

    def stand_scan(self, booth, visitor, edition, *, products=(), **fields):
        """A recorded scan of ``visitor``'s badge at ``booth``'s stand, written directly (as the service would)."""
        import uuid

        from expo.leads.models import StandScan

        defaults = dict(
            scan_id=str(uuid.uuid4()),
            booth_id=booth.id,
            edition_id=edition.id,
            visitor_id=visitor.id,
            scanned_at=utcnow(),
            outcome=StandScan.Outcome.RECORDED,
            visitor_organisation=visitor.organisation,
            visitor_country=visitor.country,
        )
        defaults.update(fields)
        with self.app.app_context():
            scan = StandScan(**defaults)
            scan.products = [db.session.get(type(product), product.id) for product in products]
            db.session.add(scan)
            db.session.commit()
            db.session.refresh(scan)
            db.session.expunge(scan)
        return scan

    def engagement(self, booth, kind, *, user=None, visitor=None, **fields):
        """One row of the engagement log; ``visitor`` defaults to the user's hash, as the app records
        it (or a fresh anonymous one)."""
        import uuid

        from expo.engagement.models import EngagementEvent
        from expo.engagement.services import visitor_hash

        self._count += 1
        if visitor is None:
            with self.app.app_context():
                visitor = visitor_hash(f"user:{user.id}") if user else f"anonymous-{self._count}"
        defaults = dict(
            event_key=str(uuid.uuid4()),
            kind=kind,
            booth_id=booth.id,
            user_id=user.id if user else None,
            visitor=visitor,
        )
        defaults.update(fields)
        return self._save(EngagementEvent(**defaults))

    def _save(self, row):
        with self.app.app_context():
            db.session.add(row)
            db.session.commit()
            db.session.refresh(row)
            db.session.expunge(row)
        return row

    def product_image(self, product, *, size=(800, 600), **fields):
        """A picture of ``product`` with a real JPEG file in storage (no thumbnail yet)."""
        import io
        import secrets

        from PIL import Image

        from expo.catalog.models import ProductImage

        relative = f"products/{secrets.token_hex(8)}.jpg"
        target = self.app.config["STORAGE_PATH"] / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        Image.new("RGB", size, (15, 94, 110)).save(buffer, format="JPEG")
        target.write_bytes(buffer.getvalue())
        self._count += 1
        defaults = dict(product_id=product.id, path=relative, width=size[0], height=size[1], position=self._count)
        defaults.update(fields)
        return self._save(ProductImage(**defaults))


@pytest.fixture()
def factory(app) -> Factory:
    return Factory(app)


@pytest.fixture()
def exhibitor(factory):
    """Makes published booths of approved companies one owner runs, for search tests:
    ``exhibitor("Hanoi Herbal", country="VN", sector="Herbs", company_translations={...}, tagline=...)``;
    the other keywords are the booth's fields."""
    owner = factory.user()

    def make(
        name: str,
        country: str = "VN",
        *,
        sector: str = "",
        slug: str | None = None,
        company_translations: dict | None = None,
        **booth_fields,
    ):
        company_fields = {"slug": slug} if slug else {}
        if company_translations:
            company_fields["translations"] = company_translations
        company = factory.company(owner=owner, name=name, country=country, sector=sector, **company_fields)
        return factory.booth(company, **booth_fields)

    return make


@pytest.fixture()
def translated_shop(factory):
    """A company written in English with its name and sector in Chinese, its booth (tagline and
    description in Chinese) and one product (KN95, named in Chinese): (owner, staff, booth, product).
    The company's slug, like its booth's, is "guangxi"."""
    owner, staff = factory.user(), factory.user()
    company = factory.company(
        owner=owner,
        staff=[staff],
        name="Guangxi Protective Gear",
        slug="guangxi",
        sector="Protective equipment",
        translations={"zh": {"name": "广西防护用品", "sector": "防护装备"}},
    )
    booth = factory.booth(
        company,
        tagline="Masks for hospitals",
        description="We make masks.",
        description_html="<p>We make masks.</p>",
        translations={
            "zh": {
                "tagline": "医用口罩",
                "description": "我们生产**口罩**。",
                "description_html": "<p>我们生产<strong>口罩</strong>。</p>",
            }
        },
    )
    product = factory.product(
        booth,
        slug="kn95",
        name="KN95 respirator",
        description="Five layers.",
        description_html="<p>Five layers.</p>",
        specifications=[["Layers", "5"]],
        translations={"zh": {"name": "KN95 口罩", "specifications": [["层数", "5"]]}},
    )
    return owner, staff, booth, product


@contextmanager
def recorded_statements(app) -> Iterator[list[str]]:
    """The SQL statements run inside the block, as a list filled while it runs."""
    from sqlalchemy import event

    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def count_queries(app, client, path: str, *, rendered: bool = True) -> int:
    """How many SQL statements a GET of ``path`` runs (it must answer 200): pages must not grow
    their query count with the number of rows they show. ``rendered``: the page is rendered even if
    the page cache (expo.page_cache) holds it, which would answer a visitor without any query."""
    cache_was = app.config["PAGE_CACHE"]
    app.config["PAGE_CACHE"] = cache_was and not rendered
    try:
        with recorded_statements(app) as statements:
            assert client.get(path).status_code == 200
    finally:
        app.config["PAGE_CACHE"] = cache_was
    return len(statements)


def permission_failures(client, requests, *, anonymous: bool = False) -> list[str]:
    """Send each (method, path, expected status, client.open keyword arguments) and list every
    answer that differs. For an ``anonymous`` client an expected 302 must lead to the log-in page."""
    failures = []
    for method, path, expected, options in requests:
        response = client.open(path, method=method, **options)
        if response.status_code != expected:
            failures.append(f"{method} {path}: expected {expected}, got {response.status_code}")
        elif anonymous and response.status_code == 302 and "/login" not in response.headers["Location"]:
            failures.append(f"{method} {path}: sent to {response.headers['Location']}, not to log in")
    return failures


def require_service(reason: str) -> NoReturn:
    """Integration and browser tests never skip: a missing service, browser or tool fails the run.

    `make test` (bin/ensure-test-services) starts Redis and PostgreSQL and installs Chromium first.
    """
    pytest.fail(f"{reason}. Integration and browser tests must run, never skip.", pytrace=False)


def log_in(client, user: User, password: str = TEST_PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


# Engagement: the event buffer (a SQLite file in the test instance folder) and events written directly.


@pytest.fixture()
def engagement_buffer(app):
    """The app's event buffer, empty before and after the test."""
    from expo.engagement.buffer import current_buffer

    buffer = current_buffer(app)
    buffer.clear()
    yield buffer
    buffer.clear()


def add_engagement_event(
    app, booth, kind: str, *, visitor: str = "visitor-1", at=None, product=None, document=None, user=None
) -> None:
    """One stored event, as the drain task would have written it."""
    import uuid

    from expo.engagement.models import EngagementEvent

    with app.app_context():
        db.session.add(
            EngagementEvent(
                event_key=str(uuid.uuid4()),
                kind=kind,
                booth_id=booth.id,
                product_id=product.id if product is not None else None,
                document_id=document.id if document is not None else None,
                user_id=user.id if user is not None else None,
                visitor=visitor,
                occurred_at=at or utcnow(),
            )
        )
        db.session.commit()


@pytest.fixture()
def worker_heartbeat(app) -> Iterator[None]:
    """A worker that keeps beating (expo.heartbeat) while the test runs, as a live one does, for pages
    that check on it (a long test on a busy machine outlives one beat); gone afterwards."""
    import threading

    from expo.heartbeat import store_for

    store = store_for(app)
    store.beat()
    stopped = threading.Event()

    def keep_beating() -> None:
        while not stopped.wait(2.0):
            store.beat()

    beater = threading.Thread(target=keep_beating, name="test-worker-heartbeat", daemon=True)
    beater.start()
    yield
    stopped.set()
    beater.join()
    app.config["WORKER_HEARTBEAT_PATH"].unlink(missing_ok=True)


@pytest.fixture()
def beating_worker(app) -> Iterator[None]:
    """A worker that keeps beating for as long as the test runs, as a real one does: a test that reads
    every page for every role outlasts one beat's validity on a busy machine (/healthz then rightly
    answers 503)."""
    from expo.heartbeat import Heartbeat

    heartbeat = Heartbeat(app)
    heartbeat.start()
    yield
    heartbeat.stop()
    app.config["WORKER_HEARTBEAT_PATH"].unlink(missing_ok=True)
