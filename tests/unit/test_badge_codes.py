import pytest

from expo.badges.codes import (
    BadgeClaim,
    BadgeCodeError,
    badge_payload,
    code_digest,
    is_badge_payload,
    read_badge_payload,
)


def test_a_badge_code_reads_back_to_the_edition_person_and_serial(app):
    with app.app_context():
        payload = badge_payload(3, 41, 2)
        assert is_badge_payload(payload)
        assert read_badge_payload(" " + payload + "\n") == BadgeClaim(edition_id=3, user_id=41, serial=2)


def test_an_altered_or_foreign_code_is_refused_with_a_reason(app):
    with app.app_context():
        payload = badge_payload(3, 41, 2)
        with pytest.raises(BadgeCodeError, match="not genuine"):
            read_badge_payload(payload[:-2] + ("AA" if not payload.endswith("AA") else "BB"))
        with pytest.raises(BadgeCodeError, match="not an Expo badge"):
            read_badge_payload("EXPO1.something-else")


def test_a_code_signed_with_another_key_is_not_genuine(app):
    with app.app_context():
        payload = badge_payload(3, 41, 2)
        app.config["SECRET_KEY"] = "another-" + app.config["SECRET_KEY"]
        with pytest.raises(BadgeCodeError, match="not genuine"):
            read_badge_payload(payload)


def test_the_offline_digest_ignores_surrounding_whitespace(app):
    with app.app_context():
        payload = badge_payload(1, 2, 1)
        assert code_digest(payload) == code_digest(f"  {payload}\r\n")
        assert len(code_digest(payload)) == 64
