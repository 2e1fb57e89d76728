"""Pages only the booth team, organizers or admins see list records in the reader's language, with
the same fallback as the public pages (else the record's source language, else English), the text
marked with its language where it is not the page's."""

from __future__ import annotations

import re

import pytest

from expo.accounts.models import User
from expo.booths.models import Booth
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.forums.models import ForumQuestion
from tests.conftest import log_in


def element_with(page: str, text: str) -> str:
    """The opening tag of the innermost element whose text starts with ``text``."""
    match = re.search(r"<(\w+)([^<>]*)>\s*(?=" + re.escape(text) + ")", page)
    assert match, f"{text!r} not found"
    return match.group(0)


@pytest.fixture()
def expo_world(app, factory, translated_shop):
    """The translated shop (its company, booth and KN95 named in Chinese) with an English-only product
    too, placed in a pavilion of an edition; a company and a booth waiting for review; a forum with a
    session, a question and a registrant; an inquiry about the KN95. The organizer and the shop's
    staff member read Chinese."""
    _owner, staff, booth, mask = translated_shop
    with app.app_context():
        db.session.get(User, staff.id).language = "zh"
        db.session.commit()
    edition = factory.edition(translations={"zh": {"name": "第二十四届博览会"}})
    organizer = factory.organizer(language="zh")  # of every edition: the exhibitor review is theirs
    pavilion = factory.pavilion(edition, name="Health Pavilion", translations={"zh": {"name": "健康馆"}})
    factory.placement(booth, pavilion)
    factory.product(booth, name="Safety goggles")  # English only
    # Written in Chinese, with no English: an English reader sees the Chinese, marked.
    factory.company(
        owner=factory.user(),
        name="河内草药",
        sector="草药",
        source_language="zh",
        status=ExhibitorCompany.Status.PENDING,
    )
    waiting = factory.company(
        owner=factory.user(),
        name="Saigon Medical",
        sector="Medical supplies",
        translations={"zh": {"name": "西贡医疗", "sector": "医疗用品"}},
    )
    factory.booth(
        waiting,
        tagline="Gloves and gowns",
        translations={"zh": {"tagline": "手套与隔离衣"}},
        status=Booth.Status.SUBMITTED,
    )
    forum = factory.forum(edition, title="Health forum", translations={"zh": {"title": "健康论坛"}})
    session = factory.programme_session(
        forum, title="Hospital supplies", room="Hall A", translations={"zh": {"title": "医院采购", "room": "A厅"}}
    )
    with app.app_context():
        question = ForumQuestion(
            forum_id=forum.id, label="Your hospital", translations={"zh": {"label": "您的医院"}}, position=0
        )
        db.session.add(question)
        db.session.commit()
    factory.registration(factory.user(name="Li Wei"), session)
    factory.inquiry(booth, factory.user(name="Nguyen Van A"), products=[mask])
    return {
        "edition": edition,
        "organizer": organizer,
        "pavilion": pavilion,
        "booth": booth,
        "staff": staff,
        "forum": forum,
        "session": session,
    }


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_an_organizer_reading_chinese_sees_the_chinese_names_in_the_organizer_lists(client, expo_world):
    edition, pavilion, session = expo_world["edition"], expo_world["pavilion"], expo_world["session"]
    log_in(client, expo_world["organizer"])

    pavilions = page(client, f"/editions/{edition.slug}/pavilions/manage")
    assert "健康馆" in pavilions and "Health Pavilion" not in pavilions
    assert "第二十四届博览会" in pavilions

    booths = page(client, f"/editions/{edition.slug}/pavilions/manage/{pavilion.id}/booths")
    assert "广西防护用品" in booths and "防护装备" in booths
    assert "Guangxi Protective Gear" not in booths and "Protective equipment" not in booths

    exhibitors = page(client, "/exhibitors/review")
    # Written in Chinese: shown as written, with no mark on a Chinese page.
    assert element_with(exhibitors, "河内草药") == '<th scope="row" class="fw-normal">'

    booth_queue = page(client, "/booths/review")
    assert "西贡医疗" in booth_queue and "手套与隔离衣" in booth_queue
    assert "Saigon Medical" not in booth_queue and "Gloves and gowns" not in booth_queue

    programme = page(client, f"/editions/{edition.slug}/organize/")
    assert "健康论坛" in programme and "医院采购" in programme and "A厅" in programme
    assert "Health forum" not in programme and "Hospital supplies" not in programme

    registrants = page(client, f"/editions/{edition.slug}/organize/sessions/{session.id}/registrants")
    assert "医院采购" in registrants and "健康论坛" in registrants and "您的医院" in registrants
    assert "Your hospital" not in registrants and "Li Wei" in registrants


def test_a_team_member_reading_chinese_sees_the_chinese_names_in_the_team_lists(client, expo_world):
    booth = expo_world["booth"]
    log_in(client, expo_world["staff"])

    catalogue = page(client, f"/booths/{booth.slug}/catalogue")
    assert "KN95 口罩" in catalogue and "广西防护用品" in catalogue
    assert "KN95 respirator" not in catalogue and "Guangxi Protective Gear" not in catalogue

    inbox = page(client, f"/booths/{booth.slug}/leads/")
    assert "KN95 口罩" in inbox and "KN95 respirator" not in inbox  # the product asked about
    assert "广西防护用品" in inbox
    assert '<option value="' in inbox and ">KN95 口罩</option>" in inbox  # the product filter

    team = page(client, f"/exhibitors/{booth.slug}/team")
    assert "广西防护用品" in team and "防护装备" in team


def test_text_in_another_language_than_the_page_carries_its_lang_attribute(client, expo_world):
    booth = expo_world["booth"]
    log_in(client, expo_world["staff"])
    catalogue = page(client, f"/booths/{booth.slug}/catalogue")
    # The English-only product falls back to English, marked as such; the translated one is not marked.
    assert element_with(catalogue, "Safety goggles") == '<span lang="en">'
    assert 'lang="en">KN95' not in catalogue


def test_an_organizer_reading_english_sees_chinese_only_records_marked_as_chinese(app, client, expo_world):
    with app.app_context():
        db.session.get(User, expo_world["organizer"].id).language = "en"
        db.session.commit()
    log_in(client, expo_world["organizer"])
    exhibitors = page(client, "/exhibitors/review")
    assert '<span lang="zh-Hans">河内草药</span>' in exhibitors and '<span lang="zh-Hans">草药</span>' in exhibitors
    edition, pavilion = expo_world["edition"], expo_world["pavilion"]
    booths = page(client, f"/editions/{edition.slug}/pavilions/manage/{pavilion.id}/booths")
    assert "Guangxi Protective Gear" in booths and "广西防护用品" not in booths
