"""The rules of a booth: what its team may change, what it needs for review, and the organizers' decisions."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from expo.accounts.models import User
from expo.booths import services
from expo.booths.models import Booth, BoothDocument
from expo.booths.services import ContactDetails
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.notifications.models import OutboxMessage
from expo.permissions import NotAllowed
from tests.sample_files import banner_bytes, mp4_bytes, pdf_bytes, png_bytes

DESCRIPTION = (
    "Nanning Mask Machinery builds fully automatic production lines for surgical and N95 masks, "
    "exported to hospitals in twelve ASEAN countries."
)


def get(model, row):
    return db.session.get(model, row.id)


def error_of(call, *args, **kwargs) -> services.BoothError:
    with pytest.raises(services.BoothError) as caught:
        call(*args, **kwargs)
    return caught.value


def messages() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.fixture()
def world(factory):
    owner = factory.user(email="owner@example.com", name="Chen Yuehe")
    staff = factory.user()
    company = factory.company(owner=owner, staff=[staff], name="Nanning Mask Machinery", country="CN")
    other = factory.company(owner=factory.user(), staff=[factory.user()])
    booth = factory.booth(company, status=Booth.Status.DRAFT)
    return {
        "owner": owner,
        "staff": staff,
        "company": company,
        "booth": booth,
        "other_staff": other,
        "organizer": factory.organizer(),
        "edition_organizer": factory.organizer(factory.edition()),
        "attendee": factory.user(),
    }


def user(world, name) -> User:
    value = world[name]
    if isinstance(value, ExhibitorCompany):  # the other company's staff member
        member = next(member for member in get(ExhibitorCompany, value).members if member.role == "staff")
        return db.session.get(User, member.user_id)
    return get(User, value)


def booth_of(world) -> Booth:
    return services.find_booth(world["booth"].slug)


def ready(booth: Booth, actor: User) -> None:
    services.update_profile(actor, booth, tagline="Mask production lines", description=DESCRIPTION)
    services.update_contacts(actor, booth, ContactDetails(contact_email="sales@masks.example.cn"))


# --- the editor ----------------------------------------------------------------------------------


@pytest.mark.parametrize("editor", ["owner", "staff"])
def test_the_whole_team_edits_the_booth_and_the_description_is_rendered_safely(app_ctx, world, editor):
    booth = booth_of(world)
    services.update_profile(
        user(world, editor),
        booth,
        tagline="  Masks   for the region ",
        description="# Our lines\r\n\n**Fast** <script>alert(1)</script> [site](javascript:x)",
    )
    assert booth.tagline == "Masks for the region"
    assert booth.description.startswith("# Our lines\n")  # kept as typed, for the next edit
    assert "<h3>Our lines</h3>" in booth.description_html and "<strong>Fast</strong>" in booth.description_html
    assert "<script" not in booth.description_html and 'href="javascript' not in booth.description_html
    assert "Masks for the region" in booth.search_text  # search finds the booth by what it says now


@pytest.mark.parametrize("outsider", ["other_staff", "attendee", "organizer", "edition_organizer"])
def test_nobody_outside_the_team_edits_it(app_ctx, world, outsider):
    booth = booth_of(world)
    actor = user(world, outsider)
    calls = [
        lambda: services.update_profile(actor, booth, tagline="Hacked", description=""),
        lambda: services.update_contacts(actor, booth, ContactDetails(contact_email="x@example.com")),
        lambda: services.update_opening_hours(actor, booth, timezone="UTC", week={}),
        lambda: services.update_images(actor, booth, remove_logo=True),
        lambda: services.link_video(actor, booth, "https://youtu.be/dQw4w9WgXcQ"),
        lambda: services.remove_video(actor, booth),
        lambda: services.add_document(actor, booth, io.BytesIO(pdf_bytes()), title="X"),
        lambda: services.submit_for_review(actor, booth),
    ]
    for call in calls:
        with pytest.raises(NotAllowed):
            call()
    assert booth.tagline == ""


def test_profile_limits_name_the_field(app_ctx, world):
    booth, owner = booth_of(world), user(world, "owner")
    assert error_of(services.update_profile, owner, booth, tagline="x" * 201, description="").field == "tagline"
    assert error_of(services.update_profile, owner, booth, tagline="", description="x" * 20_001).field == "description"


def test_contact_channels_are_checked_and_written_the_international_way(app_ctx, world):
    booth, owner = booth_of(world), user(world, "owner")
    services.update_contacts(
        owner,
        booth,
        ContactDetails(
            contact_email=" Sales@Masks.Example.CN ",
            contact_phone="0771 555 0123",
            whatsapp="+84 912 345 678",
            wechat="nanning_masks",
            line_id="NanningMasks",
        ),
    )
    # A number without "+" is read as one of the booth's country (China).
    assert booth.contact_phone == "+86 771 555 0123" and booth.whatsapp == "+84 912 345 678"
    assert booth.contact_email == "sales@masks.example.cn" and booth.line_id == "nanningmasks"


@pytest.mark.parametrize(
    ("details", "field", "message"),
    [
        (ContactDetails(contact_email="not-an-address"), "contact_email", "Enter an e-mail address"),
        (ContactDetails(contact_phone="12"), "contact_phone", "country code"),
        (ContactDetails(contact_phone="+86 1234 5678"), "contact_phone", "not a valid phone number"),
        (ContactDetails(whatsapp="call me"), "whatsapp", "country code"),
        (ContactDetails(wechat="1abcdef"), "wechat", "a letter first"),
        (ContactDetails(wechat="abc"), "wechat", "6 to 20 characters"),
        (ContactDetails(line_id="has spaces in it"), "line_id", "A LINE ID"),
    ],
)
def test_bad_contact_channels_are_refused_on_their_field(app_ctx, world, details, field, message):
    booth = booth_of(world)
    error = error_of(services.update_contacts, user(world, "staff"), booth, details)
    assert error.field == field and message in str(error)


def test_opening_hours_and_the_zone_are_checked(app_ctx, world):
    booth, owner = booth_of(world), user(world, "owner")
    assert booth.timezone == "UTC"  # the factory's booth; approval picks the country's zone
    services.update_opening_hours(owner, booth, timezone="Asia/Bangkok", week={"mon": [("09:00", "17:00")]})
    assert booth.timezone == "Asia/Bangkok" and booth.opening_hours["mon"] == [["09:00", "17:00"]]
    assert error_of(services.update_opening_hours, owner, booth, timezone="Mars/Olympus", week={}).field == "timezone"
    error = error_of(services.update_opening_hours, owner, booth, timezone="UTC", week={"fri": [("18:00", "09:00")]})
    assert error.field == "fri_closes_1"


def test_approval_opens_the_booth_in_the_companys_time_zone(app_ctx, factory):
    company = get(ExhibitorCompany, factory.company(owner=factory.user(), country="TH"))
    assert services.open_booth(company).timezone == "Asia/Bangkok"


def test_a_new_logo_and_banner_replace_the_old_files_only_after_commit(app, app_ctx, world):
    booth, staff = booth_of(world), user(world, "staff")
    services.update_images(staff, booth, logo=io.BytesIO(png_bytes()), banner=io.BytesIO(banner_bytes()))
    db.session.commit()
    root = app.config["STORAGE_PATH"]
    old_logo, old_banner = booth.company.logo_path, booth.banner_path
    assert old_logo.startswith("logos/") and old_banner.startswith("banners/")
    services.update_images(staff, booth, logo=io.BytesIO(png_bytes()), remove_banner=True)
    assert (root / old_logo).exists() and (root / old_banner).exists()  # a rollback would still need them
    db.session.commit()
    assert not (root / old_logo).exists() and not (root / old_banner).exists()
    assert booth.banner_path is None and (root / booth.company.logo_path).exists()


def test_a_refused_banner_keeps_the_saved_images_and_leaves_no_new_file(app, app_ctx, world):
    booth, owner = booth_of(world), user(world, "owner")
    root = app.config["STORAGE_PATH"]
    before = {path.name for path in (root / "logos").glob("*")} if (root / "logos").exists() else set()
    error = error_of(
        services.update_images, owner, booth, logo=io.BytesIO(png_bytes()), banner=io.BytesIO(png_bytes((800, 800)))
    )
    assert error.field == "banner" and error.status == 400 and "pixels wide" in str(error)
    db.session.rollback()  # as the view does
    assert {path.name for path in (root / "logos").glob("*")} == before
    assert get(ExhibitorCompany, world["company"]).logo_path is None


def test_a_video_is_a_file_or_a_link_never_both(app, app_ctx, world):
    booth, owner = booth_of(world), user(world, "owner")
    services.upload_video(owner, booth, io.BytesIO(mp4_bytes()))
    db.session.commit()
    uploaded = booth.video_path
    assert uploaded.startswith("videos/") and uploaded.endswith(".mp4")
    services.link_video(owner, booth, "https://youtu.be/dQw4w9WgXcQ")
    db.session.commit()
    assert booth.video_path is None and booth.video_embed_url == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert not (app.config["STORAGE_PATH"] / uploaded).exists()
    error = error_of(services.link_video, owner, booth, "https://dailymotion.com/video/x8")
    assert error.field == "video_link" and "Vimeo" in str(error)
    services.remove_video(owner, booth)
    assert booth.video_embed_url == "" and booth.video_path is None


def test_the_database_refuses_two_videos_at_once(app_ctx, world):
    booth = booth_of(world)
    booth.video_path, booth.video_embed_url = "videos/x.mp4", "https://player.vimeo.com/video/1"
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_wrong_video_file_names_the_video_field(app_ctx, world):
    error = error_of(services.upload_video, user(world, "owner"), booth_of(world), io.BytesIO(png_bytes()))
    assert error.field == "video" and error.status == 400 and "MP4 or WebM" in str(error)


def test_brochures_keep_their_order_and_page_count(app, app_ctx, world):
    booth, staff = booth_of(world), user(world, "staff")
    first = services.add_document(staff, booth, io.BytesIO(pdf_bytes(4)), title="Catalogue 2027")
    second = services.add_document(staff, booth, io.BytesIO(pdf_bytes(1)), filename="C:\\docs\\price_list.pdf")
    third = services.add_document(staff, booth, io.BytesIO(pdf_bytes(2)), title="CE certificate")
    assert (first.page_count, second.title, second.size_bytes > 0) == (4, "price list", True)
    db.session.commit()
    assert services.move_document(staff, booth, third, -1) is True
    assert services.move_document(staff, booth, first, -1) is False  # already first
    db.session.commit()
    db.session.expire_all()
    assert [document.title for document in booth_of(world).documents] == [
        "Catalogue 2027",
        "CE certificate",
        "price list",
    ]
    path = second.path
    services.delete_document(staff, booth_of(world), db.session.get(BoothDocument, second.id))
    assert (app.config["STORAGE_PATH"] / path).exists()
    db.session.commit()
    assert not (app.config["STORAGE_PATH"] / path).exists()
    assert [document.title for document in booth_of(world).documents] == ["Catalogue 2027", "CE certificate"]


def test_a_brochure_of_another_booth_cannot_be_moved_or_deleted(app_ctx, world, factory):
    other_booth = factory.booth(world["other_staff"])
    other = services.find_booth(other_booth.slug)
    other_owner = db.session.get(User, other.company.owner.user_id)
    document = services.add_document(other_owner, other, io.BytesIO(pdf_bytes()), title="Theirs")
    with pytest.raises(NotAllowed):
        services.delete_document(user(world, "owner"), booth_of(world), document)
    with pytest.raises(NotAllowed):
        services.move_document(user(world, "owner"), booth_of(world), document, 1)


def test_brochure_rules(app_ctx, world, monkeypatch):
    booth, owner = booth_of(world), user(world, "owner")
    assert error_of(services.add_document, owner, booth, io.BytesIO(pdf_bytes()), title="").field == "title"
    refused = error_of(services.add_document, owner, booth, io.BytesIO(b"plain text"), title="Fake")
    assert refused.field == "document" and "not a PDF" in str(refused)
    monkeypatch.setattr(services, "MAX_DOCUMENTS", 1)
    services.add_document(owner, booth, io.BytesIO(pdf_bytes()), title="One")
    assert "at most 1 brochures" in str(
        error_of(services.add_document, owner, booth, io.BytesIO(pdf_bytes()), title="Two")
    )


# --- submitting and the review -------------------------------------------------------------------


def test_submitting_says_exactly_what_is_missing(app_ctx, world):
    booth, owner = booth_of(world), user(world, "owner")
    error = error_of(services.submit_for_review, owner, booth)
    assert isinstance(error, services.BoothIncomplete)
    assert str(error) == (
        "Before you submit the booth for review, add a tagline, a description of at least 100 "
        "characters, and at least one contact channel (e-mail, phone, WhatsApp, WeChat or LINE)."
    )
    services.update_profile(owner, booth, tagline="Masks", description="Short.")
    assert "a longer description (at least 100 characters; it has 6)" in str(
        error_of(services.submit_for_review, owner, booth)
    )
    ready(booth, owner)
    assert services.missing_for_review(booth) == []
    services.submit_for_review(user(world, "staff"), booth)
    assert booth.status == Booth.Status.SUBMITTED and booth.submitted_at is not None
    assert isinstance(error_of(services.submit_for_review, owner, booth), services.BoothStateChanged)


def test_an_organizer_publishes_and_the_owner_is_emailed_once(app_ctx, world, recorded_tasks):
    booth, owner, organizer = booth_of(world), user(world, "owner"), user(world, "organizer")
    ready(booth, owner)
    services.submit_for_review(owner, booth)
    for outsider in ("owner", "staff", "attendee", "edition_organizer"):
        with pytest.raises(NotAllowed):
            services.publish_booth(user(world, outsider), booth)
    services.publish_booth(organizer, booth)
    assert booth.status == Booth.Status.PUBLISHED and booth.reviewed_by_id == organizer.id and booth.published_at
    [message] = messages()
    assert message.recipient == "owner@example.com" and message.kind == "booth.published"
    assert message.dedupe_key.startswith(f"booth-decision:{booth.id}:published:")
    assert "published the booth of Nanning Mask Machinery" in message.body_text
    assert f"/booths/{booth.slug}" in message.body_text
    assert recorded_tasks == []  # published only once the view commits
    db.session.commit()
    # (Publishing also makes the team's matchmaking recommendations stale: expo.matchmaking.services.)
    assert [task for task in recorded_tasks if task[0] != "matchmaking.recompute_company"] == [
        ("notifications.deliver_email", (message.id,))
    ]
    with pytest.raises(services.BoothStateChanged):
        services.publish_booth(organizer, booth)
    assert len(messages()) == 1


def test_sending_back_needs_a_note_that_the_team_reads(app_ctx, world):
    booth, owner, organizer = booth_of(world), user(world, "owner"), user(world, "organizer")
    ready(booth, owner)
    services.submit_for_review(owner, booth)
    assert error_of(services.send_back_booth, organizer, booth, "  ").field == "note"
    services.send_back_booth(organizer, booth, " Add your CE certificate. ")
    assert booth.status == Booth.Status.DRAFT and booth.review_note == "Add your CE certificate."
    [message] = messages()
    assert message.kind == "booth.sent_back" and "Add your CE certificate." in message.body_text
    assert f"/booths/{booth.slug}/edit" in message.body_text
    # Edited and submitted again, then published: the settled note is cleared.
    services.submit_for_review(owner, booth)
    services.publish_booth(organizer, booth)
    assert booth.review_note == ""


def test_suspending_needs_a_reason_and_publishing_again_is_its_own_email(app_ctx, world):
    booth, owner, organizer = booth_of(world), user(world, "owner"), user(world, "organizer")
    ready(booth, owner)
    services.submit_for_review(owner, booth)
    with pytest.raises(services.BoothStateChanged):
        services.suspend_booth(organizer, booth, "Not yet public")
    services.publish_booth(organizer, booth)
    assert error_of(services.suspend_booth, organizer, booth, "").field == "note"
    services.suspend_booth(organizer, booth, "Counterfeit certificates.")
    assert booth.status == Booth.Status.SUSPENDED and booth.suspended_reason == "Counterfeit certificates."
    services.publish_booth(organizer, booth)
    services.suspend_booth(organizer, booth, "Again.")
    kinds = [(message.kind, message.subject) for message in messages()]
    assert kinds == [
        ("booth.published", "The booth of Nanning Mask Machinery is published"),
        ("booth.suspended", "The booth of Nanning Mask Machinery is suspended"),
        ("booth.published", "The booth of Nanning Mask Machinery is published again"),
        ("booth.suspended", "The booth of Nanning Mask Machinery is suspended"),
    ]
    assert len({message.dedupe_key for message in messages()}) == 4
    assert "Counterfeit certificates." in messages()[1].body_text


def test_a_fixed_suspended_booth_goes_back_to_the_queue(app_ctx, world):
    booth, owner, organizer = booth_of(world), user(world, "owner"), user(world, "organizer")
    ready(booth, owner)
    services.submit_for_review(owner, booth)
    services.publish_booth(organizer, booth)
    services.suspend_booth(organizer, booth, "Broken links.")
    services.submit_for_review(owner, booth)
    assert booth.status == Booth.Status.SUBMITTED and booth.suspended_reason == "Broken links."  # the reviewer sees why
    assert services.count_booths_awaiting_review() == 1


def test_editing_a_published_booth_keeps_it_published(app_ctx, world):
    booth, owner, organizer = booth_of(world), user(world, "owner"), user(world, "organizer")
    ready(booth, owner)
    services.submit_for_review(owner, booth)
    services.publish_booth(organizer, booth)
    services.update_profile(owner, booth, tagline="New tagline", description=DESCRIPTION)
    assert booth.status == Booth.Status.PUBLISHED and booth.tagline == "New tagline"
    assert isinstance(error_of(services.submit_for_review, owner, booth), services.BoothStateChanged)


def test_a_decision_lost_to_a_concurrent_one_changes_nothing(app_ctx, world):
    booth, owner, organizer = booth_of(world), user(world, "owner"), user(world, "organizer")
    ready(booth, owner)
    services.submit_for_review(owner, booth)
    db.session.commit()
    # Another organizer's publication lands after this one loaded the (still submitted) booth.
    db.session.execute(Booth.__table__.update().where(Booth.id == booth.id).values(status="published"))
    assert booth.status == Booth.Status.SUBMITTED
    error = error_of(services.send_back_booth, organizer, booth, "Too late")
    assert error.status == 409 and "it is now published" in str(error)
    assert booth.status == Booth.Status.PUBLISHED and booth.review_note == ""
    assert messages() == []


def test_the_review_queue_holds_submitted_booths_oldest_submission_first(app_ctx, factory):
    from datetime import timedelta

    from expo.db_types import utcnow

    now = utcnow()
    newer = factory.booth(factory.company(owner=factory.user()), status="submitted", submitted_at=now)
    older = factory.booth(
        factory.company(owner=factory.user()), status="submitted", submitted_at=now - timedelta(days=2)
    )
    factory.booth(factory.company(owner=factory.user()), status="draft")
    factory.booth(factory.company(owner=factory.user()), status="published")
    queued = list(db.session.scalars(services.booths_awaiting_review_query()))
    assert [booth.id for booth in queued] == [older.id, newer.id]
    assert services.count_booths_awaiting_review() == 2


def test_the_database_refuses_a_suspension_without_reason(app_ctx, world):
    booth_of(world).status = Booth.Status.SUSPENDED
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
