"""Every route that changes something refuses a request without its CSRF token, whoever sends it:
the list of routes comes from the application itself, so a new POST route is covered the day it lands."""

from __future__ import annotations

import pytest
from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter, NumberConverter

from tests.conftest import log_in

# Routes that need no token, each with its reason.
EXEMPT = {
    "core.healthz": "a read-only probe for load balancers",
}
# The JSON API takes no CSRF token because no cookie authenticates it: only an Authorization header,
# which another site cannot make a browser send (a session cookie alone gets 401:
# tests/security/test_api_permissions.py and tests/http/test_api_private.py).
EXEMPT_BLUEPRINTS = ("api_people.", "api_leads.", "api_organize.", "api_inquiries.", "api_meetings.")
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def state_changing_rules(app) -> list[Rule]:
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if rule.methods & STATE_CHANGING
            and rule.endpoint not in EXEMPT
            and not rule.endpoint.startswith(EXEMPT_BLUEPRINTS)
        ),
        key=lambda rule: rule.rule,
    )


def test_every_api_write_refuses_a_session_cookie_without_a_token(app, factory):
    client = app.test_client()
    log_in(client, factory.admin())
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.methods & STATE_CHANGING and rule.endpoint.startswith(EXEMPT_BLUEPRINTS)
    ]
    assert len(rules) >= 8
    for rule in rules:
        for method in sorted(rule.methods & STATE_CHANGING):
            response = client.open(example_path(rule), method=method, json={})
            assert response.status_code == 401, f"{method} {rule.rule}"


def example_path(rule: Rule) -> str:
    """The rule's path with a plausible value for each part; the token is checked before any lookup."""
    values = {name: _example_value(converter) for name, converter in rule._converters.items()}
    return rule.build(values, append_unknown=False)[1]


def _example_value(converter):
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    return 1 if isinstance(converter, NumberConverter) else "x"


@pytest.fixture()
def enable_csrf(app):
    """Tests log in first (the test app leaves CSRF off), then turn the check on."""

    def enable():
        app.config["WTF_CSRF_ENABLED"] = True

    yield enable
    app.config["WTF_CSRF_ENABLED"] = False


def test_the_application_has_state_changing_routes_to_check(app):
    assert len(state_changing_rules(app)) > 50


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "admin"])
def test_every_state_changing_route_refuses_a_request_without_the_token(app, factory, enable_csrf, signed_in):
    client = app.test_client()
    if signed_in:
        log_in(client, factory.admin())
    enable_csrf()
    accepted = []
    for rule in state_changing_rules(app):
        path = example_path(rule)
        for method in sorted(rule.methods & STATE_CHANGING):
            response = client.open(path, method=method, data={"name": "x"})
            if response.status_code != 400 or "The form expired" not in response.get_data(as_text=True):
                accepted.append(f"{method} {path} -> {response.status_code}")
    assert not accepted, "answered without a CSRF token:\n" + "\n".join(accepted)


def test_a_token_from_another_session_is_refused(app, factory, enable_csrf):
    import re

    victim, attacker = app.test_client(), app.test_client()
    log_in(victim, factory.user())
    log_in(attacker, factory.user())
    enable_csrf()
    page = attacker.get("/account").get_data(as_text=True)
    attackers_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = victim.post("/logout", data={"csrf_token": attackers_token})
    assert response.status_code == 400
