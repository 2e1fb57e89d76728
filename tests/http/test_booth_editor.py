"""The booth editor over HTTP: what the team types and uploads, how bad files are refused, and what
visitors then see (video on click, brochures to download, contacts, opening hours)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest

from expo.booths.models import Booth, BoothDocument
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from tests.conftest import log_in
from tests.sample_files import (
    banner_bytes,
    encrypted_pdf_bytes,
    mp4_bytes,
    pdf_bytes,
    png_bytes,
    truncated_pdf_bytes,
    webm_bytes,
)

DESCRIPTION = (
    "We build **fully automatic** production lines for surgical and N95 masks, exported to hospitals "
    "in twelve ASEAN countries since 2009."
)


@pytest.fixture()
def team(factory):
    owner, staff = factory.user(name="Owner"), factory.user(name="Staff")
    company = factory.company(owner=owner, staff=[staff], name="Nanning Mask Machinery", slug="nanning-masks")
    booth = factory.booth(company, status=Booth.Status.DRAFT)
    return owner, staff, company, booth


@pytest.fixture()
def staff_client(app, team):
    client = app.test_client()
    log_in(client, team[1])
    return client


def booth_row(app, booth) -> Booth:
    with app.app_context():
        row = db.session.get(Booth, booth.id)
        db.session.expunge(row)
        return row


def post_file(client, path: str, field: str, content: bytes, filename: str, **data):
    return client.post(path, data={**data, field: (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def page(response) -> str:
    return response.get_data(as_text=True)


# --- the sections --------------------------------------------------------------------------------


def test_every_section_of_the_editor_has_labelled_fields(staff_client):
    sections = {
        "/booths/nanning-masks/edit": ("Tagline", "Description"),
        "/booths/nanning-masks/edit/images": ("Company logo", "Banner"),
        "/booths/nanning-masks/edit/video": ("Link to a video", "Or upload a video file"),
        "/booths/nanning-masks/edit/brochures": ("Title", "PDF file"),
        "/booths/nanning-masks/edit/contacts": ("E-mail", "Phone", "WhatsApp", "WeChat ID", "LINE ID"),
        "/booths/nanning-masks/edit/hours": ("Time zone",),
    }
    for path, labels in sections.items():
        response = staff_client.get(path)
        assert response.status_code == 200, path
        for label in labels:
            assert f">{label}</label>" in page(response), (path, label)
        assert "Submit for review" in page(response)
    hours_page = page(staff_client.get("/booths/nanning-masks/edit/hours"))
    assert 'aria-label="Monday, period 1: opens"' in hours_page and 'type="time"' in hours_page


def test_the_profile_is_saved_and_shown_rendered(staff_client, client):
    response = staff_client.post(
        "/booths/nanning-masks/edit",
        data={"tagline": "Mask production lines", "description": DESCRIPTION + "\n\n<script>alert(1)</script>"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/booths/nanning-masks/edit"
    assert "Visitors will see it once an organizer publishes the booth." in page(
        staff_client.get(response.headers["Location"])
    )
    preview = page(staff_client.get("/booths/nanning-masks"))
    assert "<strong>fully automatic</strong>" in preview and "<script>alert" not in preview
    assert "Preview: visitors cannot see this booth" in preview
    assert client.get("/booths/nanning-masks").status_code == 404  # still a draft


def test_submitting_an_incomplete_booth_says_what_is_missing(app, staff_client, team):
    editor = page(staff_client.get("/booths/nanning-masks/edit"))
    assert "<li>a tagline</li>" in editor  # the checklist
    response = staff_client.post("/booths/nanning-masks/submit")
    assert response.status_code == 400
    assert (
        "Before you submit the booth for review, add a tagline, a description of at least 100 characters, "
        "and at least one contact channel"
    ) in page(response)
    staff_client.post("/booths/nanning-masks/edit", data={"tagline": "Masks", "description": DESCRIPTION})
    staff_client.post("/booths/nanning-masks/edit/contacts", data={"contact_email": "sales@masks.example.cn"})
    response = staff_client.post("/booths/nanning-masks/submit")
    assert response.status_code == 302
    assert "The booth is submitted." in page(staff_client.get(response.headers["Location"]))
    assert booth_row(app, team[3]).status == "submitted"
    again = staff_client.post("/booths/nanning-masks/submit")
    assert again.status_code == 409 and "already waiting for review" in page(again)


# --- images --------------------------------------------------------------------------------------


def test_logo_and_banner_are_uploaded_re_encoded_and_served(app, staff_client, client, team):
    response = staff_client.post(
        "/booths/nanning-masks/edit/images",
        content_type="multipart/form-data",
        data={"logo": (io.BytesIO(png_bytes()), "logo.png"), "banner": (io.BytesIO(banner_bytes()), "banner.png")},
    )
    assert response.status_code == 302
    booth = booth_row(app, team[3])
    with app.app_context():
        logo_path = db.session.get(ExhibitorCompany, team[2].id).logo_path
    assert booth.banner_path.startswith("banners/") and logo_path.startswith("logos/")
    banner = staff_client.get("/booths/nanning-masks/banner")
    assert banner.status_code == 200 and banner.mimetype == "image/jpeg"  # re-encoded: no transparency to keep
    assert banner.headers["X-Content-Type-Options"] == "nosniff"
    assert banner.headers["Cache-Control"] == "no-store"  # not published: no cache may keep it
    assert client.get("/booths/nanning-masks/banner").status_code == 404
    preview = page(staff_client.get("/booths/nanning-masks"))
    assert re.search(r'src="/booths/nanning-masks/banner\?v=\w{8}"', preview)
    assert "/exhibitors/nanning-masks/logo?v=" in preview


def test_a_narrow_banner_is_a_form_error_and_nothing_changes(app, staff_client, team):
    response = post_file(staff_client, "/booths/nanning-masks/edit/images", "banner", png_bytes((900, 600)), "tall.png")
    assert response.status_code == 400
    assert "The image is 900 pixels wide; it needs at least 960." in page(response)
    assert booth_row(app, team[3]).banner_path is None


def test_an_images_form_with_nothing_chosen_says_so(staff_client):
    response = staff_client.post("/booths/nanning-masks/edit/images", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose an image to upload, or tick what to remove." in page(response)


# --- video ---------------------------------------------------------------------------------------


def test_a_youtube_link_plays_only_on_click_and_the_page_allows_exactly_that_player(app, staff_client, team):
    response = staff_client.post(
        "/booths/nanning-masks/edit/video", data={"video_link": "https://www.youtube.com/shorts/dQw4w9WgXcQ"}
    )
    assert response.status_code == 302
    assert booth_row(app, team[3]).video_embed_url == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    booth_page = staff_client.get("/booths/nanning-masks")
    html = page(booth_page)
    assert "<iframe" not in html  # nothing loads from YouTube until the visitor asks
    assert 'data-video-embed="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert re.search(r'<button type="button"[^>]*data-track="video_play"[^>]*>Play video</button>', html)
    assert re.search(r'<script src="/static/js/booths\.[0-9a-f]{12}\.js" defer>', html)
    policy = booth_page.headers["Content-Security-Policy"]
    assert "frame-src 'self' https://www.youtube-nocookie.com;" in policy
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    # Every other page keeps the site's policy.
    assert "frame-src 'self';" in staff_client.get("/booths/nanning-masks/edit").headers["Content-Security-Policy"]


def test_a_link_from_another_site_is_refused_naming_the_allowed_hosts(app, staff_client, team):
    response = staff_client.post(
        "/booths/nanning-masks/edit/video", data={"video_link": "https://www.dailymotion.com/video/x8abc"}
    )
    assert response.status_code == 400
    html = page(response)
    assert (
        "YouTube (youtube.com, youtu.be), Vimeo (vimeo.com), Bilibili (bilibili.com), Youku (youku.com) or Tencent Video (v.qq.com)"
        in html
    )
    assert 'value="https://www.dailymotion.com/video/x8abc"' in html  # what was typed stays
    assert booth_row(app, team[3]).video_embed_url == ""


def test_an_uploaded_video_is_served_with_its_type_and_can_seek(app, staff_client, team):
    content = mp4_bytes(size=10_000)
    assert (
        post_file(staff_client, "/booths/nanning-masks/edit/video", "video", content, "factory.mp4").status_code == 302
    )
    html = page(staff_client.get("/booths/nanning-masks"))
    assert re.search(r'<video class="[^"]*" controls preload="metadata" data-track="video_play"', html)
    whole = staff_client.get("/booths/nanning-masks/video")
    assert whole.status_code == 200 and whole.mimetype == "video/mp4" and whole.data == content
    assert whole.headers["Accept-Ranges"] == "bytes" and whole.headers["X-Content-Type-Options"] == "nosniff"
    part = staff_client.get("/booths/nanning-masks/video", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == content[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(content)}"
    # A WebM replaces it, served as WebM.
    assert (
        post_file(staff_client, "/booths/nanning-masks/edit/video", "video", webm_bytes(), "clip.webm").status_code
        == 302
    )
    assert staff_client.get("/booths/nanning-masks/video").mimetype == "video/webm"
    assert staff_client.post("/booths/nanning-masks/edit/video/remove").status_code == 302
    assert staff_client.get("/booths/nanning-masks/video").status_code == 404


def test_a_picture_named_mp4_is_refused(app, staff_client, team):
    response = post_file(staff_client, "/booths/nanning-masks/edit/video", "video", png_bytes(), "clip.mp4")
    assert response.status_code == 400 and "This is not an MP4 or WebM video." in page(response)
    assert booth_row(app, team[3]).video_path is None


def test_a_link_and_a_file_together_are_refused(staff_client):
    response = post_file(
        staff_client,
        "/booths/nanning-masks/edit/video",
        "video",
        mp4_bytes(),
        "clip.mp4",
        video_link="https://youtu.be/dQw4w9WgXcQ",
    )
    assert response.status_code == 400 and "not both" in page(response)


# --- brochures -----------------------------------------------------------------------------------


def add_brochure(client, content: bytes, filename: str = "catalogue.pdf", title: str = ""):
    return post_file(client, "/booths/nanning-masks/edit/brochures", "document", content, filename, title=title)


def test_brochures_are_added_ordered_deleted_and_downloaded(app, staff_client, team):
    assert add_brochure(staff_client, pdf_bytes(4), title="Catalogue 2027").status_code == 302
    assert add_brochure(staff_client, pdf_bytes(1), filename="price_list.pdf").status_code == 302
    editor = page(staff_client.get("/booths/nanning-masks/edit/brochures"))
    assert "Catalogue 2027" in editor and "price list" in editor and "4 pages" in editor
    with app.app_context():
        first, second = db.session.query(BoothDocument).order_by(BoothDocument.position).all()
        first_id, second_id = first.id, second.id
    staff_client.post(f"/booths/nanning-masks/edit/brochures/{second_id}/move", data={"direction": "up"})
    booth_page = page(staff_client.get("/booths/nanning-masks"))
    assert booth_page.index("price list") < booth_page.index("Catalogue 2027")
    assert "PDF, 4 pages" in booth_page
    assert (
        staff_client.post(
            f"/booths/nanning-masks/edit/brochures/{second_id}/move", data={"direction": "sideways"}
        ).status_code
        == 400
    )
    download = staff_client.get(f"/booths/nanning-masks/brochures/{first_id}")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == 'attachment; filename="Catalogue 2027.pdf"'
    assert download.headers["X-Content-Type-Options"] == "nosniff" and download.data.startswith(b"%PDF-")
    assert staff_client.post(f"/booths/nanning-masks/edit/brochures/{first_id}/delete").status_code == 302
    assert staff_client.get(f"/booths/nanning-masks/brochures/{first_id}").status_code == 404


def test_a_brochure_title_in_any_script_makes_a_safe_file_name(staff_client, app):
    add_brochure(staff_client, pdf_bytes(), title='产品目录 2027 / "final" <v2>')
    with app.app_context():
        document_id = db.session.query(BoothDocument.id).scalar()
    disposition = staff_client.get(f"/booths/nanning-masks/brochures/{document_id}").headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "/" not in disposition.split("filename", 1)[1].replace("%2F", "")
    assert "filename*=UTF-8''%E4%BA%A7%E5%93%81%E7%9B%AE%E5%BD%95%202027%20final%20v2.pdf" in disposition


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"Just text pretending to be a brochure.", "brochure.pdf", "This is not a PDF file."),
        (truncated_pdf_bytes(), "cut.pdf", "This PDF is incomplete"),
        (encrypted_pdf_bytes(), "locked.pdf", "protected by a password or encryption"),
    ],
)
def test_bad_brochures_are_refused_with_a_reason(app, staff_client, content, filename, message):
    response = add_brochure(staff_client, content, filename, title="Our catalogue")
    assert response.status_code == 400 and message in page(response)
    assert 'value="Our catalogue"' in page(response)
    with app.app_context():
        assert db.session.query(BoothDocument).count() == 0


def test_a_brochure_over_the_limit_is_a_413_naming_the_limit(app, staff_client, monkeypatch):
    from expo import uploads

    monkeypatch.setattr(uploads, "PDF_MAX_BYTES", 2048)
    response = add_brochure(staff_client, pdf_bytes() + b"\n" * 4096, title="Too big")
    assert response.status_code == 413
    assert "The file is larger than 2 KB. Choose a smaller one." in page(response)
    assert 'value="Too big"' in page(response)
    with app.app_context():
        assert db.session.query(BoothDocument).count() == 0


def test_a_request_over_the_site_limit_is_a_413_and_loses_nothing_saved(app, staff_client, team):
    staff_client.post("/booths/nanning-masks/edit", data={"tagline": "Saved before", "description": DESCRIPTION})
    add_brochure(staff_client, pdf_bytes(), title="Kept")
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    try:
        response = post_file(
            staff_client, "/booths/nanning-masks/edit/video", "video", mp4_bytes(size=60_000), "big.mp4"
        )
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 25 * 1024 * 1024
    assert response.status_code == 413
    assert "The upload is larger than 49 KB, the most the site accepts at once. Nothing was changed" in page(response)
    booth = booth_row(app, team[3])
    assert booth.tagline == "Saved before" and booth.video_path is None
    with app.app_context():
        assert db.session.query(BoothDocument.title).scalar() == "Kept"


def test_file_fields_tell_the_browser_their_limit(staff_client):
    html = page(staff_client.get("/booths/nanning-masks/edit/brochures"))
    assert 'data-max-bytes="20971520"' in html and "data-too-large-message=" in html
    video = page(staff_client.get("/booths/nanning-masks/edit/video"))
    assert 'data-max-bytes="26214400"' in video and "at most 25.0 MB" in video


# --- contacts and opening hours ------------------------------------------------------------------


def test_contact_channels_become_links_visitors_can_use(staff_client):
    response = staff_client.post(
        "/booths/nanning-masks/edit/contacts",
        data={
            "contact_email": "sales@masks.example.cn",
            "contact_phone": "+86 771 555 0123",
            "whatsapp": "+84912345678",
            "wechat": "nanning_masks",
            "line_id": "@nanningmasks",
        },
    )
    assert response.status_code == 302
    html = page(staff_client.get("/booths/nanning-masks"))
    assert 'href="mailto:sales@masks.example.cn"' in html and 'href="tel:+867715550123"' in html
    assert 'href="https://wa.me/84912345678"' in html and "+84 912 345 678" in html
    assert 'href="https://line.me/R/ti/p/@nanningmasks"' in html and "nanning_masks" in html


def test_a_bad_phone_number_is_a_form_error_and_the_rest_is_kept(staff_client):
    response = staff_client.post(
        "/booths/nanning-masks/edit/contacts",
        data={"contact_email": "sales@masks.example.cn", "contact_phone": "call us"},
    )
    assert response.status_code == 400 and "with its country code" in page(response)
    assert 'value="sales@masks.example.cn"' in page(response)


@pytest.fixture()
def monday_morning_in_nanning(monkeypatch):
    from expo.booths import routes

    monkeypatch.setattr(routes, "utcnow", lambda: datetime(2027, 9, 13, 2, 30, tzinfo=UTC))  # 10:30 in Nanning


def hours_form(**days):
    data = {"timezone": "Asia/Shanghai"}
    for day, periods in days.items():
        for number, (opens, closes) in enumerate(periods, start=1):
            data[f"{day}_opens_{number}"], data[f"{day}_closes_{number}"] = opens, closes
    return data


def test_opening_hours_show_open_now_in_the_booths_zone_and_the_viewers(
    app, staff_client, team, monday_morning_in_nanning
):
    from expo.accounts.models import User

    weekdays = {day: [("09:00", "12:00"), ("13:30", "17:30")] for day in ("mon", "tue", "wed", "thu", "fri")}
    assert staff_client.post("/booths/nanning-masks/edit/hours", data=hours_form(**weekdays)).status_code == 302
    assert 'value="13:30"' in page(staff_client.get("/booths/nanning-masks/edit/hours"))

    def booth_page_for(user, zone):
        with app.app_context():
            db.session.get(User, user.id).timezone = zone
            db.session.commit()
        viewer = app.test_client()
        log_in(viewer, user)
        return page(viewer.get("/booths/nanning-masks")).replace("\u202f", " ")

    html = booth_page_for(team[0], "America/New_York")
    assert "Open now, until 12:00 PM" in html and "Booth's time (Asia/Shanghai)" in html
    assert "Your time (America/New_York)" in html and "Sun 9:00 PM–<wbr>Mon 12:00 AM<br>1:30 AM–<wbr>5:30 AM" in html
    # Singapore's clock reads like Nanning's: one column says it all.
    assert "Your time" not in booth_page_for(team[1], "Asia/Singapore")


def test_closed_now_says_when_it_opens(staff_client, monday_morning_in_nanning):
    staff_client.post("/booths/nanning-masks/edit/hours", data=hours_form(tue=[("09:00", "17:00")]))
    html = page(staff_client.get("/booths/nanning-masks")).replace("\u202f", " ")
    assert "Closed now, opens tomorrow at 9:00 AM" in html


def test_bad_hours_are_a_form_error_on_the_day(staff_client):
    response = staff_client.post("/booths/nanning-masks/edit/hours", data=hours_form(wed=[("18:00", "09:00")]))
    assert response.status_code == 400
    assert "Wednesday: the closing time must be after the opening time (18:00)." in page(response)
    assert 'value="18:00"' in page(response)


def test_every_change_needs_the_csrf_token(app, staff_client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for path in (
            "/booths/nanning-masks/edit",
            "/booths/nanning-masks/submit",
            "/booths/nanning-masks/edit/video/remove",
        ):
            response = staff_client.post(path, data={"tagline": "Forged"})
            assert response.status_code == 400 and "The form expired" in page(response), path
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
