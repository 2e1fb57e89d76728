"""A small expo with one of each object, and who looks at it, for the hostile-input tests: every
route with a real object in its address is reached by someone allowed to see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from expo.accounts.models import User
from expo.extensions import db


@dataclass
class World:
    users: dict[str, User | None]  # role name -> account (None: signed out)
    values: dict[str, str]  # URL variable name -> a value naming a real object

    def value(self, rule: str, name: str) -> str:
        """The real value for variable ``name`` of ``rule``: a slug names a booth, a company or an edition
        depending on where the address starts."""
        if name == "slug" and rule.startswith(("/booths/", "/exhibitors/")):
            return self.values["booth_slug"]
        if name == "report_id" and rule.startswith("/organize/"):
            return self.values["expo_report_id"]
        return self.values.get(name, "x")


def build_world(app, factory) -> World:
    from expo.broadcasts.models import Broadcast
    from expo.forums.models import ForumQuestion
    from expo.leads.models import LeadReport
    from expo.notifications.models import Notification

    edition = factory.edition()
    pavilion = factory.pavilion(edition)
    forum = factory.forum(edition)
    session = factory.programme_session(forum)
    speaker = factory.speaker(edition)
    attendee = factory.user()
    owner = factory.user()
    organizer = factory.organizer()
    admin = factory.admin()
    company = factory.company(owner=owner)
    booth = factory.booth(company)
    placement = factory.placement(booth, pavilion)
    product = factory.product(booth)
    image = factory.product_image(product)
    registration = factory.registration(attendee, session)
    inquiry = factory.inquiry(booth, attendee, products=[product])
    report = factory._save(
        LeadReport(
            scope=LeadReport.BOOTH,
            booth_id=booth.id,
            period_from=date(2027, 1, 1),
            period_to=date(2027, 1, 31),
            requested_by_id=owner.id,
        )
    )
    notification = factory._save(
        Notification(user_id=attendee.id, kind="test", category="programme", title="Hello", dedupe_key="hostile-world")
    )
    expo_report = factory._save(
        LeadReport(
            scope=LeadReport.EXPO,
            edition_id=edition.id,
            period_from=date(2027, 1, 1),
            period_to=date(2027, 1, 31),
            requested_by_id=organizer.id,
        )
    )
    question = factory._save(ForumQuestion(forum_id=forum.id, label="Your company?"))
    broadcast = factory._save(
        Broadcast(
            edition_id=edition.id,
            author_id=organizer.id,
            audience=Broadcast.EDITION_ATTENDEES,
            subject="Welcome",
            body="Hello",
        )
    )
    with app.app_context():
        message_id = db.session.execute(db.text("SELECT min(id) FROM inquiry_messages")).scalar_one()
    values = {
        "slug": edition.slug,
        "forum_slug": forum.slug,
        "pavilion_slug": pavilion.slug,
        "product_slug": product.slug,
        "session_id": str(session.id),
        "speaker_id": str(speaker.id),
        "forum_id": str(forum.id),
        "target_id": str(session.id),
        "pavilion_id": str(pavilion.id),
        "placement_id": str(placement.id),
        "booth_id": str(booth.id),
        "product_id": str(product.id),
        "image_id": str(image.id),
        "registration_id": str(registration.id),
        "inquiry_id": str(inquiry.id),
        "message_id": str(message_id),
        "report_id": str(report.id),
        "notification_id": str(notification.id),
        "user_id": str(attendee.id),
        "number": "1",
        "kind": "sessions",
        "section": "booths",
        "fmt": "csv",
        "booth_slug": booth.slug,
        "question_id": str(question.id),
        "broadcast_id": str(broadcast.id),
        "expo_report_id": str(expo_report.id),
    }
    users = {"anonymous": None, "attendee": attendee, "owner": owner, "organizer": organizer, "admin": admin}
    return World(users=users, values=values)
