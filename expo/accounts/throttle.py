"""How hard guessing passwords and mailing strangers is made: the counts behind log-in and account e-mail.

The policy (OWASP's authentication cheat sheet; django-axes' lockout per account and address;
the device-cookie pattern):

* Only failed log-ins count. A failure is counted for the (account, address) pair, for the client
  address and for the account. A successful log-in costs nothing, so the 500th person on a
  venue's Wi-Fi logs in like the first.
* ``LOGIN_FAILURE_LIMIT`` failures for one account from one address lock that pair out (429 with
  Retry-After); the owner elsewhere is not affected. ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures from
  one address, whatever the accounts, lock that address out: a generous ceiling for one guesser
  behind many accounts.
* Past ``LOGIN_SLOWDOWN_AFTER`` failures for one account from anywhere (by default twice what one
  address may fail, so a lone guesser meets its own lock first and the owner elsewhere notices
  nothing), unknown devices may try it once every few seconds only (2 s, doubling with every
  further failure, at most ``LOGIN_SLOWDOWN_MAX_SECONDS``): guessing from many addresses crawls,
  and nobody is locked out.
* A known device (see ``devices``) skips the address and account counts; its failures are
  counted against the device instead, and past ``LOGIN_FAILURE_LIMIT`` it is treated as unknown.
* Each request that would mail an address a confirmation or a reset link takes one of
  ``ACCOUNT_MAIL_LIMIT`` slots for that address and purpose, whether or not the address has an
  account, so the answer the visitor gets says nothing about the account.

The counts live in the limiter's storage beside Flask-Limiter's own (Redis in production, memory
in the embedded mode): no table, and they expire by themselves. Two attempts at the same instant
may both pass a check before either failure is counted; the moving window still bounds the rate.
"""

from __future__ import annotations

import math
import time

from flask import current_app
from limits import RateLimitItem, RateLimitItemPerSecond, parse

from expo.extensions import limiter

FIRST_DELAY_SECONDS = 2


def _enabled() -> bool:
    return bool(limiter.enabled)


def _limit(setting: str) -> RateLimitItem:
    return parse(current_app.config[setting])


def _seconds_until_free(item: RateLimitItem, *identifiers: str) -> int:
    stats = limiter.limiter.get_window_stats(item, *identifiers)
    return max(1, math.ceil(stats.reset_time - time.time()))


def _slowdown_delays() -> list[int]:
    """The waits an account under attack imposes on unknown devices, shortest first."""
    longest = max(FIRST_DELAY_SECONDS, int(current_app.config["LOGIN_SLOWDOWN_MAX_SECONDS"]))
    delays, delay = [], FIRST_DELAY_SECONDS
    while delay < longest:
        delays.append(delay)
        delay *= 2
    return delays + [longest]


def _account_failure_counter() -> RateLimitItem:
    # Counts a little past the threshold: enough to reach the longest delay, no more kept in storage.
    threshold = _limit("LOGIN_SLOWDOWN_AFTER")
    return type(threshold)(threshold.amount + len(_slowdown_delays()), threshold.multiples)


def _account_failures(account: str) -> int:
    counter = _account_failure_counter()
    return counter.amount - limiter.limiter.get_window_stats(counter, "login-account", account).remaining


def _pace(failures: int) -> tuple[RateLimitItem, str]:
    """One try per delay for an account with this many failures. The count is part of the key, so
    each new failure starts a fresh turn, taken by the failure itself: the next try waits the
    whole delay from the latest failure, not from an older one."""
    delays = _slowdown_delays()
    delay = delays[min(failures - _limit("LOGIN_SLOWDOWN_AFTER").amount, len(delays) - 1)]
    return RateLimitItemPerSecond(1, delay), str(failures)


def device_in_good_standing(account: str, device_id: str) -> bool:
    """A known device stays trusted for this account until it fails as often as one address may."""
    if not _enabled():
        return True
    return limiter.limiter.test(_limit("LOGIN_FAILURE_LIMIT"), "login-device", account, device_id)


def lockout_seconds(account: str, address: str) -> int:
    """How long this address must wait before trying this account again; 0: it may try now."""
    if not _enabled():
        return 0
    pair = _limit("LOGIN_FAILURE_LIMIT")
    if not limiter.limiter.test(pair, "login-pair", account, address):
        return _seconds_until_free(pair, "login-pair", account, address)
    ceiling = _limit("LOGIN_ADDRESS_FAILURE_LIMIT")
    if not limiter.limiter.test(ceiling, "login-address", address):
        return _seconds_until_free(ceiling, "login-address", address)
    return 0


def slowdown_seconds(account: str) -> int:
    """For an unknown device: how long to wait before this account takes another try; 0: now.

    Taking the turn is one atomic step, so parallel guesses from many addresses get one turn per
    delay between them."""
    if not _enabled():
        return 0
    failures = _account_failures(account)
    if failures < _limit("LOGIN_SLOWDOWN_AFTER").amount:
        return 0
    pace, turn = _pace(failures)
    if limiter.limiter.hit(pace, "login-pace", account, turn):
        return 0
    return _seconds_until_free(pace, "login-pace", account, turn)


def record_login_failure(account: str, address: str, device_id: str | None = None) -> None:
    """Count a wrong password: against the known device if it came from one, else against the
    (account, address) pair and the address; against the account either way."""
    if not _enabled():
        return
    strategy = limiter.limiter
    if device_id is not None:
        strategy.hit(_limit("LOGIN_FAILURE_LIMIT"), "login-device", account, device_id)
    else:
        strategy.hit(_limit("LOGIN_FAILURE_LIMIT"), "login-pair", account, address)
        strategy.hit(_limit("LOGIN_ADDRESS_FAILURE_LIMIT"), "login-address", address)
    strategy.hit(_account_failure_counter(), "login-account", account)
    failures = _account_failures(account)
    if failures >= _limit("LOGIN_SLOWDOWN_AFTER").amount:
        pace, turn = _pace(failures)
        strategy.hit(pace, "login-pace", account, turn)


def take_mail_slot(purpose: str, recipient: str) -> int:
    """Take one of the address's slots for this kind of account e-mail; 0 when taken, else the
    seconds until one frees up (and no mail may go)."""
    if not _enabled():
        return 0
    limit = _limit("ACCOUNT_MAIL_LIMIT")
    if limiter.limiter.hit(limit, "account-mail", purpose, recipient):
        return 0
    return _seconds_until_free(limit, "account-mail", purpose, recipient)
