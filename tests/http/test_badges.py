"""Badge pages: organizers print in bulk and at the help desk, people show theirs on the phone."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from types import SimpleNamespace

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader
from sqlalchemy import func, select

from expo.audit.models import AuditAction, AuditEntry
from expo.badges import prints
from expo.badges.models import Badge, BadgePrint
from expo.badges.services import BadgeRefused, verify_badge
from expo.editions.models import Edition, Pavilion
from expo.extensions import db
from expo.forums.models import Speaker
from tests.conftest import log_in, permission_failures, run_recorded_tasks

DURING = datetime(2027, 9, 11, 2, 0, tzinfo=UTC)
CONTROL = re.compile(r"[\x00-\x1f]")


@pytest.fixture()
def world(factory):
    edition = factory.edition(name="China-ASEAN Expo 2027", city="Nanning")
    other = factory.edition()
    pavilion = factory.pavilion(edition, name="Machinery")
    forum = factory.forum(edition)
    day_one = factory.programme_session(forum, starts_at=datetime(2027, 9, 10, 2, 0, tzinfo=UTC))
    day_two = factory.programme_session(forum, starts_at=datetime(2027, 9, 11, 2, 0, tzinfo=UTC))
    organizer = factory.organizer(edition, name="Olga Organizer")
    other_organizer = factory.organizer(other)
    wang = factory.user(name="王小明", organisation="南宁机械", country="CN")
    somchai = factory.user(name="สมชาย ใจดี", organisation="Bangkok Foods", country="TH")
    minh = factory.user(name="Nguyễn Thị Minh", country="VN")
    stranger = factory.user(name="Stan Stranger")
    factory.registration(wang, day_one)
    factory.registration(minh, day_two)
    company = factory.company(owner=somchai, name="ไทยฟู้ดส์")
    factory.placement(factory.booth(company), pavilion, stand="A-1")
    return SimpleNamespace(**locals())


def _base(world) -> str:
    return f"/editions/{world.edition.slug}/organize/badges"


def _pdf_text(content: bytes) -> str:
    return CONTROL.sub("", "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def _decoded_codes(content: bytes) -> list[str]:
    """Every page rendered as a picture and its QR code read back, as a phone at the door would."""
    document = pypdfium2.PdfDocument(content)
    codes = []
    for page in document:
        found = zxingcpp.read_barcodes(page.render(scale=3).to_pil())
        codes += [barcode.text for barcode in found if barcode.format == zxingcpp.BarcodeFormat.QRCode]
    return codes


def _badges(app, edition) -> dict[int, Badge]:
    with app.app_context():
        rows = db.session.scalars(select(Badge).where(Badge.edition_id == edition.id)).all()
        for row in rows:
            db.session.expunge(row)
    return {row.user_id: row for row in rows}


def _entries(app, action) -> list[AuditEntry]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()
        for row in rows:
            db.session.expunge(row)
    return rows


# --- who may --------------------------------------------------------------------------------------


def test_only_the_editions_organizers_reach_the_badge_pages(app, client, world, factory):
    base = _base(world)
    pages = [
        ("GET", base, 200),
        ("GET", f"{base}/desk?q=wang", 200),
        ("POST", f"{base}/prepare", 302),
        ("POST", f"{base}/print", 400),  # no size chosen: the form says so
    ]

    def expect(status_for_organizer):
        return [(m, p, status_for_organizer if s != 400 else s, {}) for m, p, s in pages]

    assert permission_failures(client, [(m, p, 302, {}) for m, p, _s in pages], anonymous=True) == []
    for outsider in (world.wang, world.other_organizer):
        log_in(client, outsider)
        assert permission_failures(client, [(m, p, 403, {}) for m, p, _s in pages]) == []
        client.post("/logout")
    log_in(client, world.organizer)
    assert permission_failures(client, [(m, p, s, {}) for m, p, s in pages]) == []
    draft = factory.edition(status=Edition.Status.DRAFT)
    log_in(client, world.other_organizer)
    assert client.get(f"/editions/{draft.slug}/organize/badges").status_code == 404


def test_another_editions_badge_or_print_is_not_found(app, client, world, factory):
    other_person = factory.user()
    other_badge = factory.badge(world.other, other_person)
    with app.app_context():
        job = BadgePrint(edition_id=world.other.id, layout="a6", status="done")
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    log_in(client, world.organizer)
    base = _base(world)
    assert client.get(f"{base}/prints/{job_id}").status_code == 404
    assert client.get(f"{base}/desk/badges/{other_badge.id}/correct").status_code == 404
    assert client.post(f"{base}/desk/badges/{other_badge.id}/revoke").status_code == 404


# --- printing -------------------------------------------------------------------------------------


def test_a_small_print_opens_as_a_pdf_whose_codes_open_the_door(app, client, world):
    log_in(client, world.organizer)
    response = client.post(f"{_base(world)}/print", data={"layout": "a6"})

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = _pdf_text(response.data)
    for name in ("王小明", "สมชาย ใจดี", "Nguyễn Thị Minh", "Olga Organizer", "南宁机械", "ไทยฟู้ดส์"):
        assert name in text
    codes = _decoded_codes(response.data)
    assert len(codes) == 4
    with app.test_request_context():
        edition = db.session.get(Edition, world.edition.id)
        assert {verify_badge(edition, code, now=DURING).user_id for code in codes} == {
            world.organizer.id,
            world.wang.id,
            world.somchai.id,
            world.minh.id,
        }
    assert all(badge.printed_at is not None for badge in _badges(app, world.edition).values())
    [entry] = _entries(app, AuditAction.BADGES_PRINTED)
    assert entry.after == {"format": "pdf", "layout": "a6", "people": 4}
    assert entry.edition_id == world.edition.id and entry.actor_id == world.organizer.id


def test_the_print_form_chooses_by_day_pavilion_and_role(app, client, world):
    log_in(client, world.organizer)
    by_day = client.post(f"{_base(world)}/print", data={"layout": "label_90x55", "day": "2027-09-11"})
    text = _pdf_text(by_day.data)
    # The session-goer of that day, and the exhibitor and organizer who are there every day.
    assert "Nguyễn Thị Minh" in text and "สมชาย ใจดี" in text and "Olga Organizer" in text
    assert "王小明" not in text
    by_pavilion = client.post(f"{_base(world)}/print", data={"layout": "a7", "pavilion": str(world.pavilion.id)})
    pavilion_text = _pdf_text(by_pavilion.data)
    assert "สมชาย ใจดี" in pavilion_text and "Olga Organizer" not in pavilion_text
    entries = _entries(app, AuditAction.BADGES_PRINTED)
    assert [(entry.after.get("day"), entry.after.get("pavilion"), entry.after["people"]) for entry in entries] == [
        ("2027-09-11", None, 3),
        (None, "Machinery", 1),
    ]


def test_a_wrong_choice_is_explained_and_prints_nothing(app, client, world, factory):
    log_in(client, world.organizer)
    base = _base(world)
    unknown_day = client.post(f"{base}/print", data={"layout": "a6", "day": "2031-01-01"})
    assert unknown_day.status_code == 400 and "Not a valid choice" in unknown_day.get_data(as_text=True)
    nobody = client.post(f"{base}/print", data={"layout": "a6", "role": "speaker"})
    assert nobody.status_code == 404
    assert "No badge matches this choice" in nobody.get_data(as_text=True)
    other_pavilion = factory.pavilion(world.other)
    foreign = client.post(f"{base}/print", data={"layout": "a6", "pavilion": str(other_pavilion.id)})
    assert foreign.status_code == 400
    assert _entries(app, AuditAction.BADGES_PRINTED) == []


def test_a_big_print_is_made_by_the_worker_with_progress_and_its_download_is_logged(
    app, client, world, factory, recorded_tasks, monkeypatch
):
    monkeypatch.setattr(prints, "DIRECT_LIMIT", 2)
    monkeypatch.setattr(prints, "CHUNK", 2)
    log_in(client, world.organizer)
    response = client.post(f"{_base(world)}/print", data={"layout": "label_4x3in", "role": ""})
    assert response.status_code == 302
    page = client.get(response.headers["Location"], follow_redirects=False)
    assert "0 of 4 badges" in page.get_data(as_text=True)
    assert [name for name, _args in recorded_tasks] == [prints.COMPILE_TASK]

    assert run_recorded_tasks(app) == 1
    with app.app_context():
        job = db.session.scalar(select(BadgePrint))
        assert (job.status, job.badges_done, job.badges_total) == (BadgePrint.Status.DONE, 4, 4)
    progress = client.get(f"{_base(world)}/prints/{job.id}/progress").get_json()
    assert progress["finished"] and progress["percent"] == 100
    assert _entries(app, AuditAction.BADGES_PRINTED) == []  # made, not yet taken away
    download = client.get(f"{_base(world)}/prints/{job.id}/badges.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert "no-store" in download.headers["Cache-Control"]
    assert len(_decoded_codes(download.data)) == 4
    [entry] = _entries(app, AuditAction.BADGES_PRINTED)
    assert entry.after == {"format": "pdf", "layout": "label_4x3in", "people": 4}
    assert entry.object_type == "badge_print" and entry.object_id == job.id


def test_prints_name_the_edition_and_pavilion_in_the_readers_language(app, client, world):
    with app.app_context():
        db.session.get(Edition, world.edition.id).set_translation("zh", {"name": "中国—东盟博览会 2027"})
        db.session.get(Pavilion, world.pavilion.id).set_translation("zh", {"name": "机械展区"})
        job = BadgePrint(edition_id=world.edition.id, pavilion_id=world.pavilion.id, layout="a6", status="done")
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    log_in(client, world.organizer)
    for path in (_base(world), f"{_base(world)}/prints/{job_id}"):
        page = client.get(f"{path}?lang=zh").get_data(as_text=True)
        assert "中国—东盟博览会 2027 · 机械展区" in page and "申请时间" in page, path
        assert "China-ASEAN Expo 2027" not in page and "Machinery" not in page, path


def test_prepare_badges_issues_them_in_the_worker(app, client, world, recorded_tasks):
    log_in(client, world.organizer)
    assert "4 people are entitled to a badge and have none yet." in client.get(_base(world)).get_data(as_text=True)
    assert client.post(f"{_base(world)}/prepare").status_code == 302
    assert recorded_tasks == [(prints.ISSUE_TASK, (world.edition.id, world.organizer.id))]
    run_recorded_tasks(app)
    page = client.get(_base(world)).get_data(as_text=True)
    assert "Everyone entitled to a badge has one." in page
    assert len(_badges(app, world.edition)) == 4


# --- the help desk --------------------------------------------------------------------------------


def test_the_help_desk_finds_a_person_and_prints_their_badge(app, client, world):
    log_in(client, world.organizer)
    page = client.get(f"{_base(world)}/desk?q=王").get_data(as_text=True)
    assert "王小明" in page and "Entitled to a badge; printing it issues it." in page
    assert "No badge: no confirmed registration" in client.get(f"{_base(world)}/desk?q=Stan").get_data(as_text=True)

    response = client.post(f"{_base(world)}/desk/people/{world.wang.id}/print", data={"layout": "a7"})
    assert response.mimetype == "application/pdf"
    [code] = _decoded_codes(response.data)
    with app.test_request_context():
        assert verify_badge(db.session.get(Edition, world.edition.id), code, now=DURING).user_id == world.wang.id
    [entry] = _entries(app, AuditAction.BADGES_PRINTED)
    assert entry.object_type == "badge" and entry.after["people"] == 1
    stranger = client.post(f"{_base(world)}/desk/people/{world.stranger.id}/print", data={"layout": "a7"})
    assert stranger.status_code == 302
    assert "nothing entitles them to one" in client.get(stranger.headers["Location"]).get_data(as_text=True)


def test_a_reprint_warns_first_and_the_old_code_stops_working(app, client, world, factory):
    badge = factory.badge(world.edition, world.wang)
    old_payload = _payload(app, badge)
    log_in(client, world.organizer)
    page = client.get(f"{_base(world)}/desk?q=王小明").get_data(as_text=True)
    assert "the badge printed before stops working at every door at once" in page

    response = client.post(
        f"{_base(world)}/desk/badges/{badge.id}/reprint", data={"serial": "1", "q": "王小明"}, follow_redirects=True
    )
    text = response.get_data(as_text=True)
    assert "reissued as number 2" in text and "The earlier badge no longer opens any door" in text
    with app.test_request_context():
        edition = db.session.get(Edition, world.edition.id)
        with pytest.raises(BadgeRefused, match="replaced by a reprint"):
            verify_badge(edition, old_payload, now=DURING)
    again = client.post(f"{_base(world)}/desk/badges/{badge.id}/reprint", data={"serial": "1"}, follow_redirects=True)
    assert "already reprinted (it is now number 2)" in again.get_data(as_text=True)
    assert _badges(app, world.edition)[world.wang.id].serial == 2
    assert client.post(f"{_base(world)}/desk/badges/{badge.id}/reprint", data={"serial": "x"}).status_code == 400


def test_the_help_desk_corrects_a_name_and_revokes_a_badge(app, client, world, factory):
    badge = factory.badge(world.edition, world.wang)
    log_in(client, world.organizer)
    base = _base(world)
    form = client.get(f"{base}/desk/badges/{badge.id}/correct").get_data(as_text=True)
    assert 'value="王小明"' in form
    empty = client.post(f"{base}/desk/badges/{badge.id}/correct", data={"name": "  ", "company": "x"})
    assert empty.status_code == 400
    saved = client.post(
        f"{base}/desk/badges/{badge.id}/correct",
        data={"name": "王晓明", "company": "南宁机械有限公司"},
        follow_redirects=True,
    )
    assert "The badge now reads “王晓明”" in saved.get_data(as_text=True)
    client.post(f"{base}/desk/badges/{badge.id}/revoke")
    assert _badges(app, world.edition)[world.wang.id].revoked_at is not None
    assert [
        e.action for e in _entries(app, AuditAction.BADGE_CORRECTED) + _entries(app, AuditAction.BADGE_REVOKED)
    ] == [
        "badge_corrected",
        "badge_revoked",
    ]


def _payload(app, badge) -> str:
    with app.test_request_context():
        return db.session.get(Badge, badge.id).payload


# --- on the phone ---------------------------------------------------------------------------------


def test_a_person_sees_their_own_badge_from_their_agenda(app, client, world):
    log_in(client, world.wang)
    assert "/my/badges" in client.get("/my/agenda").get_data(as_text=True)
    assert "/my/badges" in client.get("/dashboard").get_data(as_text=True)
    listing = client.get("/my/badges")
    assert listing.status_code == 302  # one badge: straight to it
    page = client.get(listing.headers["Location"]).get_data(as_text=True)
    assert "王小明" in page and "Delegate" in page and "南宁机械" in page
    badge = _badges(app, world.edition)[world.wang.id]
    assert _payload(app, badge) in page
    assert "data:image/svg+xml" in page


def test_a_person_without_a_badge_is_told_why_and_sees_nobody_elses(app, client, world):
    log_in(client, world.stranger)
    page = client.get("/my/badges").get_data(as_text=True)
    assert "You have no badge yet" in page
    assert client.get(f"/my/badges/{world.edition.slug}").status_code == 404
    assert client.get("/my/badges/no-such-edition").status_code == 404
    client.post("/logout")
    assert client.get(f"/my/badges/{world.edition.slug}").status_code == 302  # to log in


def test_a_revoked_badge_shows_no_code_on_the_phone(app, client, world, factory):
    badge = factory.badge(world.edition, world.wang, revoked_at=DURING)
    log_in(client, world.wang)
    page = client.get(f"/my/badges/{world.edition.slug}").get_data(as_text=True)
    assert "This badge was revoked" in page and _payload(app, badge) not in page


# --- speakers' accounts ---------------------------------------------------------------------------


def test_organizers_link_a_speaker_to_their_account_so_they_get_a_speaker_badge(app, client, world, factory):
    speaker = factory.speaker(world.edition, name="Dr Siti")
    log_in(client, world.organizer)
    path = f"/editions/{world.edition.slug}/organize/speakers/{speaker.id}/edit"
    unknown = client.post(path, data={"name": "Dr Siti", "account_email": "nobody@example.com"})
    assert unknown.status_code == 400 and "No confirmed account uses this e-mail address" in unknown.get_data(
        as_text=True
    )
    assert client.post(path, data={"name": "Dr Siti", "account_email": world.minh.email.upper()}).status_code == 302
    with app.app_context():
        assert db.session.get(Speaker, speaker.id).user_id == world.minh.id
    assert world.minh.email in client.get(path).get_data(as_text=True)
    client.post("/logout")
    log_in(client, world.minh)
    page = client.get(f"/my/badges/{world.edition.slug}").get_data(as_text=True)
    assert "Speaker" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Badge)) == 1


def test_after_the_edition_the_phone_shows_no_code(app, client, factory):
    over = factory.edition(starts_on=datetime(2025, 9, 10).date(), ends_on=datetime(2025, 9, 13).date())
    person = factory.user(name="Late Visitor")
    badge = factory.badge(over, person)
    log_in(client, person)
    page = client.get(f"/my/badges/{over.slug}").get_data(as_text=True)
    assert "This edition is over" in page and _payload(app, badge) not in page
    assert "Late Visitor" in page
