"""Property (issue #16, item 3): whatever an address's variables and its query string hold (huge and
negative numbers, digits of other scripts, NaN, far dates, control characters, very long text), no GET
page answers 5xx, signed out or signed in as an attendee, an exhibitor's owner, an organizer or an
admin; and no form that takes numbers or dates answers 5xx to them either."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import log_in
from tests.security.hostile_world import build_world

HOSTILE_WORDS = [
    str(2**63),
    str(2**63 - 1),
    str(2**64),
    str(2**31),
    str(2**31 - 1),
    "-1",
    "0",
    "-9223372036854775809",
    "²",
    "١٢",
    "٣",
    "１２",
    "1_000",
    "0x1F",
    "1e999999",
    "NaN",
    "sNaN",
    "-sNaN",
    "Infinity",
    "-Infinity",
    "1.5",
    "9999-12-31",
    "0001-01-01",
    "2027-02-30",
    "10000-01-01",
    "2027-09-10T25:61",
    "",
    " ",
    "\x00",
    "\x1b[31m",
    "\u202e",
    "😀",
    "%00",
    "../../etc/passwd",
    "' OR 1=1 --",
    "a" * 3000,
    "9" * 5000,
    "true",
    "null",
    "[]",
]
HOSTILE = st.one_of(
    st.sampled_from(HOSTILE_WORDS),
    st.integers().map(str),
    st.dates().map(str),
    st.text(max_size=40),
)
# Every name a page reads from its query string (request.args, the search form's fields).
QUERY_NAMES = [
    "page",
    "notes_page",
    "unconfirmed_page",
    "day",
    "days",
    "q",
    "sort",
    "type",
    "kind",
    "status",
    "assignee",
    "product",
    "image",
    "pavilion",
    "parent",
    "show",
    "edition",
    "category",
    "moq",
    "country",
    "forum",
    "tag",
    "language",
    "unread",
    "unplaced",
    "direction",
    "next",
]
ROLES = ["anonymous", "attendee", "owner", "organizer", "admin"]
VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _get_rules(app) -> list[str]:
    return sorted(rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and rule.endpoint != "static")


@st.composite
def hostile_requests(draw, rules: list[str], world):
    rule = draw(st.sampled_from(rules))

    def fill(match: re.Match) -> str:
        name = match.group(1)
        value = draw(st.one_of(st.just(world.value(rule, name)), HOSTILE))
        return quote(value, safe="")

    path = VARIABLE.sub(fill, rule)
    query = draw(st.dictionaries(st.sampled_from(QUERY_NAMES), HOSTILE, max_size=4))
    return path, query


@pytest.fixture()
def world_and_clients(app, factory):
    """The small expo, and a client signed in as each role (signed out for "anonymous")."""
    world = build_world(app, factory)
    clients = {}
    for role in ROLES:
        clients[role] = app.test_client()
        if world.users[role] is not None:
            log_in(clients[role], world.users[role])
    return world, clients


def test_no_page_answers_5xx_to_hostile_addresses(app, world_and_clients, beating_worker):
    world, clients = world_and_clients
    rules = _get_rules(app)

    @settings(
        max_examples=150,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(role=st.sampled_from(ROLES), request=hostile_requests(rules, world))
    def no_server_error(role, request):
        path, query = request
        response = clients[role].get(path, query_string=query)
        assert response.status_code < 500, (role, path, query, response.status_code)

    no_server_error()


def test_every_page_of_a_real_object_survives_a_hostile_query_string(app, world_and_clients, beating_worker):
    """The random draw above reaches a given page only now and then: here every GET address, with the
    real objects in it, is read by each role once, with every query name set to one hostile value."""
    world, clients = world_and_clients
    failures = []
    for role_number, role in enumerate(ROLES):
        for number, rule in enumerate(_get_rules(app)):
            path = VARIABLE.sub(lambda match: quote(world.value(rule, match.group(1)), safe=""), rule)
            hostile = HOSTILE_WORDS[(number + role_number) % len(HOSTILE_WORDS)]
            response = clients[role].get(path, query_string={name: hostile for name in QUERY_NAMES})
            if response.status_code >= 500:
                failures.append(f"{role} {path}?…={hostile[:20]!r}: {response.status_code}")
    assert not failures


# Every field name the app's forms declare (expo/**/forms.py), for the sweep over every POST route.
FORM_FIELD_NAMES = """abstract alt_text approve assignee audience availability biography body booth buyer_country
buyer_organisation capacity category channels choices city code confirm contact_email contact_phone country currency
current_password date_from date_to delivery_date description destination_country destination_port document edition
email ends_at ends_on enrols_whole_course field forum_id hs_code incoterm job_title kind label language
lead_retention_amount lead_retention_unit lead_time_days legacy_encoding line_id message min_order_quantity moq name next
note notes order_unit order_unit_other
organisation parent_id password pavilion pavilion_id position price_max price_min product products publish q
quantity rating reason registrants registration_closes_at registration_mode registration_opens_at reject remember
required room scan_id sector send send_back session_id share_contact_on_badge_scan share_contact_with_booths slug sort speakers specifications stand
starts_at starts_on status stream_url subject submit suspend tagline tags target_price timezone title type unit
unit_price valid_until venue video_link website wechat whatsapp""".split()


def test_every_form_survives_hostile_fields(app, world_and_clients):
    """Every POST route, with the real objects in its address, as each role, with every field any form
    declares set to one hostile value: refused or accepted, never a 5xx."""
    world, clients = world_and_clients
    rules = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint not in ("accounts.logout", "static")
    )
    failures = []
    for role_number, role in enumerate(ROLES):
        for number, rule in enumerate(rules):
            path = VARIABLE.sub(lambda match: quote(world.value(rule, match.group(1)), safe=""), rule)
            hostile = HOSTILE_WORDS[(number * 3 + role_number) % len(HOSTILE_WORDS)]
            response = clients[role].post(path, data={name: hostile for name in FORM_FIELD_NAMES})
            if response.status_code >= 500:
                failures.append(f"{role} POST {path} fields={hostile[:20]!r}: {response.status_code}")
    assert not failures


# Forms that take numbers or dates: who sends each, where, and what a valid submission holds; the
# property replaces some of the fields with hostile values.
FORMS = [
    (
        "attendee",
        "/booths/{booth_slug}/inquire",
        {"kind": "inquiry", "message": "Please quote.", "currency": "USD", "unit": "boxes"},
        ["quantity", "target_price", "delivery_date", "products"],
    ),
    (
        "owner",
        "/booths/{booth_slug}/leads/inquiries/{inquiry_id}/quotations",
        {
            "unit_price": "10",
            "currency": "USD",
            "quantity": "5",
            "unit": "boxes",
            "incoterm": "FOB",
            "lead_time_days": "30",
            "valid_until": "2027-12-01",
        },
        ["unit_price", "quantity", "lead_time_days", "valid_until"],
    ),
    (
        "owner",
        "/booths/{booth_slug}/leads/reports",
        {"date_from": "2027-01-01", "date_to": "2027-01-31"},
        ["date_from", "date_to", "edition"],
    ),
    (
        "organizer",
        "/organize/lead-reports",
        {"date_from": "2027-01-01", "date_to": "2027-01-31"},
        ["date_from", "date_to", "edition", "pavilion"],
    ),
    (
        "organizer",
        "/editions/{slug}/organize/forums/{forum_id}/sessions/new",
        {"title": "Opening", "starts_at": "2027-09-11T10:00", "ends_at": "2027-09-11T11:00"},
        ["starts_at", "ends_at", "capacity", "registration_opens_at", "registration_closes_at", "speakers"],
    ),
    (
        "organizer",
        "/editions/{slug}/organize/forums/new",
        {"title": "Forum", "slug": "hostile-forum", "kind": "sub", "registration_mode": "open"},
        ["position", "capacity", "parent_id", "registration_opens_at", "registration_closes_at"],
    ),
    (
        "organizer",
        "/editions/new",
        {
            "name": "Hostile",
            "slug": "hostile",
            "starts_on": "2027-09-10",
            "ends_on": "2027-09-13",
            "timezone": "UTC",
            "status": "draft",
        },
        ["starts_on", "ends_on"],
    ),
    (
        "owner",
        "/booths/{booth_slug}/catalogue/new",
        {"name": "Hostile", "category": "", "order_unit": "piece", "currency": "USD", "availability": "in_stock"},
        ["price_min", "price_max", "min_order_quantity", "hs_code", "category"],
    ),
    ("owner", "/booths/{booth_slug}/edit/video", {"video_link": "https://youtu.be/dQw4w9WgXcQ"}, ["video_link"]),
    ("anonymous", "/engagement/track", {"kind": "video_play", "booth": "{booth_slug}"}, ["product", "document"]),
]


@st.composite
def hostile_submissions(draw):
    index = draw(st.integers(0, len(FORMS) - 1))
    role, path, valid, numeric = FORMS[index]
    names = draw(st.lists(st.sampled_from(numeric), min_size=1, max_size=len(numeric), unique=True))
    values = {name: draw(HOSTILE) for name in names}
    if path.endswith("/edit/video"):
        values = {"video_link": "https://youtu.be/dQw4w9WgXcQ?t=" + quote(values["video_link"])}
    return index, values


def test_no_form_answers_5xx_to_hostile_numbers_and_dates(app, world_and_clients):
    world, clients = world_and_clients

    @settings(
        max_examples=80,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(submission=hostile_submissions())
    def no_server_error(submission):
        index, values = submission
        role, path, valid, _numeric = FORMS[index]
        path = path.format(**world.values)
        data = {name: value.format(**world.values) for name, value in valid.items()} | values
        if path == "/engagement/track":
            response = clients[role].post(path, json=data)
        else:
            response = clients[role].post(path, data=data)
        assert response.status_code < 500, (path, data, response.status_code)

    no_server_error()
