"""Subscriptions and their deliveries: who subscribes to what, the outbox rows, sending, replay, disabling.

A delivery moves pending → sending (claimed and committed before the request) → succeeded, back to
pending with a backoff (5xx, timeouts, connection errors), failed (a 4xx, a forbidden address or the
last attempt), or cancelled (its subscription was disabled or deleted meanwhile). The claim is a
conditional UPDATE that also counts the attempt, so two workers given the same id send it once and
the outcome is recorded only under the claim that sent it.

Every failed attempt counts against the subscription; a success resets the count. At
``WEBHOOKS_DISABLE_AFTER_FAILURES`` in a row the subscription is disabled, once, and whoever manages
it is told in the app and by e-mail.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, or_, select, update

from expo import permissions
from expo.accounts.models import EditionRole, User
from expo.audit.models import AuditAction
from expo.audit.services import record
from expo.background import enqueue_after_commit
from expo.db_types import utcnow
from expo.exhibitors.models import CompanyMember
from expo.extensions import db
from expo.lib.rules import RuleBroken
from expo.lib.urls import external_url, site_path
from expo.notifications.notify import notify
from expo.notifications.services import retry_delay_seconds
from expo.webhooks import events as webhook_events
from expo.webhooks import sender, signing
from expo.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription

DELIVER_TASK = "webhooks.deliver"  # on the default queue: not a mail or report task
# A claim older than this belongs to a worker that died while sending; the sweep sends it again.
SENDING_LEASE = timedelta(minutes=10)
DISABLED_KIND = "webhooks.disabled"


class WebhookRefused(RuleBroken):
    pass


@dataclass(frozen=True)
class SubscriptionData:
    url: str
    description: str
    events: tuple[str, ...]


# --- subscriptions ------------------------------------------------------------------------------


def audience_of(subscription: WebhookSubscription) -> str:
    return webhook_events.TEAM if subscription.booth_id is not None else webhook_events.ORGANIZER


def may_manage(user: User | None, subscription: WebhookSubscription) -> bool:
    if subscription.booth_id is not None:
        return permissions.can_manage_booth_webhooks(user, subscription.booth)
    return permissions.can_manage_edition_webhooks(user, subscription.edition)


def _check(data: SubscriptionData, audience: str) -> None:
    allowed = {event.name for event in webhook_events.events_for(audience)}
    if not data.events:
        raise WebhookRefused(_("Choose at least one event."), "events")
    if not set(data.events) <= allowed:
        raise WebhookRefused(_("Choose among the events listed."), "events")
    try:
        sender.check_url(data.url, allow_private=current_app.config["WEBHOOKS_ALLOW_PRIVATE"])
    except sender.Blocked:
        raise WebhookRefused(
            _("Enter a public https:// address; private, loopback and link-local addresses cannot receive webhooks."),
            "url",
        ) from None


def _settings(subscription: WebhookSubscription) -> dict[str, Any]:
    """What the audit trail keeps of a subscription: never its secret."""
    return {"url": subscription.url, "description": subscription.description, "events": list(subscription.events or [])}


def _audit(actor: User | None, action: AuditAction, subscription: WebhookSubscription, **changes) -> None:
    record(actor, action, subscription, edition_id=subscription.edition_id, **changes)


def create_subscription(actor: User, data: SubscriptionData, *, booth=None, edition=None) -> WebhookSubscription:
    if booth is not None:
        permissions.ensure(permissions.can_manage_booth_webhooks(actor, booth))
        audience = webhook_events.TEAM
    else:
        permissions.ensure(permissions.can_manage_edition_webhooks(actor, edition))
        audience = webhook_events.ORGANIZER
    _check(data, audience)
    subscription = WebhookSubscription(
        booth_id=booth.id if booth is not None else None,
        edition_id=edition.id if edition is not None else None,
        url=data.url.strip(),
        description=data.description.strip(),
        events=list(data.events),
        secret=signing.new_secret(),
        created_by_id=actor.id,
    )
    db.session.add(subscription)
    db.session.flush()
    _audit(actor, AuditAction.WEBHOOK_SUBSCRIBED, subscription, after=_settings(subscription))
    return subscription


def update_subscription(
    actor: User, subscription: WebhookSubscription, data: SubscriptionData, *, enabled: bool
) -> None:
    """Change the address, description and events, and switch it on or off: each change audited."""
    permissions.ensure(may_manage(actor, subscription))
    _check(data, audience_of(subscription))
    before = _settings(subscription)
    subscription.url = data.url.strip()
    subscription.description = data.description.strip()
    subscription.events = list(data.events)
    after = _settings(subscription)
    changed = [key for key in after if after[key] != before[key]]
    if changed:
        _audit(
            actor,
            AuditAction.WEBHOOK_CHANGED,
            subscription,
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
        )
    if enabled and not subscription.enabled:
        # Switched back on by hand: its failures are forgiven; what was missed can be replayed.
        _audit(
            actor,
            AuditAction.WEBHOOK_ENABLED,
            subscription,
            before={"enabled": False, "consecutive_failures": subscription.consecutive_failures},
            after={"enabled": True},
        )
        subscription.consecutive_failures = 0
        subscription.disabled_at = None
        subscription.disabled_reason = ""
    elif not enabled and subscription.enabled:
        _audit(actor, AuditAction.WEBHOOK_DISABLED, subscription, before={"enabled": True}, after={"enabled": False})
        subscription.disabled_at = utcnow()
        subscription.disabled_reason = ""
    subscription.enabled = enabled
    db.session.flush()


def rotate_secret(actor: User, subscription: WebhookSubscription) -> str:
    permissions.ensure(may_manage(actor, subscription))
    subscription.secret = signing.new_secret()
    db.session.flush()
    _audit(actor, AuditAction.WEBHOOK_SECRET_ROTATED, subscription)
    return subscription.secret


def delete_subscription(actor: User, subscription: WebhookSubscription) -> None:
    permissions.ensure(may_manage(actor, subscription))
    _audit(
        actor,
        AuditAction.WEBHOOK_DELETED,
        subscription,
        before={**_settings(subscription), "enabled": subscription.enabled},
    )
    db.session.delete(subscription)
    db.session.flush()


def subscriptions_of(*, booth=None, edition=None) -> list[WebhookSubscription]:
    column, value = (
        (WebhookSubscription.booth_id, booth.id) if booth is not None else (WebhookSubscription.edition_id, edition.id)
    )
    return list(
        db.session.scalars(
            select(WebhookSubscription)
            .where(column == value)
            .order_by(WebhookSubscription.created_at, WebhookSubscription.id)
        )
    )


def deliveries_query(subscription: WebhookSubscription) -> Select:
    return (
        select(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription.id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    )


def attempts_of(deliveries: list[WebhookDelivery]) -> dict[int, list[WebhookAttempt]]:
    """Every listed delivery's attempts in one query."""
    found: dict[int, list[WebhookAttempt]] = {delivery.id: [] for delivery in deliveries}
    if found:
        for attempt in db.session.scalars(
            select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(found)).order_by(WebhookAttempt.number)
        ):
            found[attempt.delivery_id].append(attempt)
    return found


# --- events -------------------------------------------------------------------------------------


def emit(event: str, data: dict[str, Any], *, booth_id: int | None = None, edition_id: int | None = None) -> int:
    """Owe ``event`` to every enabled subscription that chose it: the booth's (team events), the
    edition's (organizer events), or both for an event of both audiences.

    Called by the service where the change happens, inside its transaction: the deliveries are
    written with the change and published after the commit, or neither happens.
    """
    return emit_each(event, [data], booth_id=booth_id, edition_id=edition_id)


def emit_each(
    event: str, datas: list[dict[str, Any]], *, booth_id: int | None = None, edition_id: int | None = None
) -> int:
    """``emit`` for many changes of one booth (or edition) at once, as a batch of synced scans makes
    them: the subscriptions are read once, every message is its own delivery."""
    declared = webhook_events.EVENT_TYPES[event]
    owners = []
    if webhook_events.TEAM in declared.audiences and booth_id is not None:
        owners.append(WebhookSubscription.booth_id == booth_id)
    if webhook_events.ORGANIZER in declared.audiences and edition_id is not None:
        owners.append(WebhookSubscription.edition_id == edition_id)
    if not owners or not datas:
        return 0
    subscriptions = [
        subscription
        for subscription in db.session.scalars(
            select(WebhookSubscription)
            .where(or_(*owners), WebhookSubscription.enabled.is_(True))
            .order_by(WebhookSubscription.id)
        )
        if event in (subscription.events or [])
    ]
    if not subscriptions:
        return 0
    now = utcnow()
    deliveries = []
    for data in datas:
        body = json.dumps(
            {"type": event, "timestamp": now.isoformat(timespec="seconds"), "data": data},
            ensure_ascii=False,
            separators=(",", ":"),
            default=str,
        )
        deliveries.extend(
            WebhookDelivery(
                subscription_id=subscription.id,
                event=event,
                message_id=_message_id(),
                body=body,
                created_at=now,
                next_attempt_at=now,
            )
            for subscription in subscriptions
        )
    db.session.add_all(deliveries)
    db.session.flush()
    for delivery in deliveries:
        enqueue_after_commit(DELIVER_TASK, delivery.id)
    return len(deliveries)


def _message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def replay(actor: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the same message again (same webhook-id and body, a new signature) as a new delivery."""
    subscription = delivery.subscription
    permissions.ensure(may_manage(actor, subscription))
    if not subscription.enabled:
        raise WebhookRefused(_("This subscription is disabled: enable it before replaying its deliveries."))
    now = utcnow()
    again = WebhookDelivery(
        subscription_id=subscription.id,
        event=delivery.event,
        message_id=delivery.message_id,
        body=delivery.body,
        replay_of_id=delivery.id,
        created_at=now,
        next_attempt_at=now,
    )
    db.session.add(again)
    db.session.flush()
    enqueue_after_commit(DELIVER_TASK, again.id)
    return again


# --- delivery -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    attempt: int
    url: str
    secret: str
    message_id: str
    body: str


def claim(delivery_id: int) -> Claim | None:
    """Take the delivery for one attempt, or None when it is done, held by a live worker, or gone.

    A delivery whose subscription is disabled or deleted is cancelled instead.
    """
    now = utcnow()
    claimable = or_(
        WebhookDelivery.status == WebhookDelivery.Status.PENDING,
        and_(
            WebhookDelivery.status == WebhookDelivery.Status.SENDING, WebhookDelivery.claimed_at < now - SENDING_LEASE
        ),
    )
    taken = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, claimable)
        .values(status=WebhookDelivery.Status.SENDING, attempts=WebhookDelivery.attempts + 1, claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        return None
    delivery = db.session.get(WebhookDelivery, delivery_id, populate_existing=True)
    subscription = delivery.subscription
    if not subscription.enabled:
        delivery.status = WebhookDelivery.Status.CANCELLED
        delivery.last_error = "the subscription is disabled"
        delivery.finished_at = now
        db.session.flush()
        return None
    return Claim(
        delivery.id, delivery.attempts, subscription.url, subscription.secret, delivery.message_id, delivery.body
    )


def send(claim_: Claim) -> sender.Response:
    """The HTTP request of one attempt; no database work, so no transaction is open meanwhile."""
    config = current_app.config
    body = claim_.body.encode()
    headers = signing.headers(claim_.secret, claim_.message_id, body)
    try:
        return sender.post(
            claim_.url,
            body,
            headers,
            timeout=config["WEBHOOKS_TIMEOUT_SECONDS"],
            allow_private=config["WEBHOOKS_ALLOW_PRIVATE"],
        )
    except sender.Blocked as exc:
        return BlockedResponse(None, 0, str(exc)[:300])


class BlockedResponse(sender.Response):
    @property
    def worth_retrying(self) -> bool:
        return False


def record_outcome(claim_: Claim, response: sender.Response) -> str:
    """Log the attempt and move the delivery on; returns its new status ("" if the claim was lost)."""
    config = current_app.config
    now = utcnow()
    delivery = db.session.get(WebhookDelivery, claim_.delivery_id, populate_existing=True)
    if delivery is None or delivery.status != WebhookDelivery.Status.SENDING or delivery.attempts != claim_.attempt:
        return ""  # taken over by another worker after our lease ran out: its outcome counts
    db.session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            number=claim_.attempt,
            started_at=delivery.claimed_at,
            status_code=response.status_code,
            response_ms=response.elapsed_ms,
            error=response.error[:300],
        )
    )
    delivery.last_status_code = response.status_code
    delivery.last_error = response.error[:300]
    subscription = delivery.subscription
    if response.succeeded:
        delivery.status = WebhookDelivery.Status.SUCCEEDED
        delivery.finished_at = now
        subscription.consecutive_failures = 0
        db.session.flush()
        return delivery.status
    db.session.execute(
        update(WebhookSubscription)
        .where(WebhookSubscription.id == subscription.id)
        .values(consecutive_failures=WebhookSubscription.consecutive_failures + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(subscription)
    if response.worth_retrying and claim_.attempt < config["WEBHOOKS_MAX_ATTEMPTS"]:
        delay = retry_delay_seconds(claim_.attempt, config["WEBHOOKS_RETRY_BASE_SECONDS"])
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.next_attempt_at = now + timedelta(seconds=delay)
        enqueue_after_commit(DELIVER_TASK, delivery.id, countdown=delay)
    else:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.finished_at = now
    if subscription.consecutive_failures >= config["WEBHOOKS_DISABLE_AFTER_FAILURES"]:
        _disable_for_failures(subscription, now)
    db.session.flush()
    return delivery.status


def _disable_for_failures(subscription: WebhookSubscription, now: datetime) -> None:
    # Conditional: of two workers failing at once, one disables and tells.
    disabled = db.session.execute(
        update(WebhookSubscription)
        .where(WebhookSubscription.id == subscription.id, WebhookSubscription.enabled.is_(True))
        .values(
            enabled=False,
            disabled_at=now,
            disabled_reason=f"{subscription.consecutive_failures} failed attempts in a row",
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(subscription)
    if disabled:
        _audit(
            None,
            AuditAction.WEBHOOK_DISABLED,
            subscription,
            before={"enabled": True},
            after={"enabled": False, "reason": subscription.disabled_reason},
        )
        _tell_disabled(subscription)


def _managers(subscription: WebhookSubscription) -> list[User]:
    if subscription.booth_id is not None:
        return list(
            db.session.scalars(
                select(User)
                .join(CompanyMember, CompanyMember.user_id == User.id)
                .where(
                    CompanyMember.company_id == subscription.booth.company_id, CompanyMember.role == CompanyMember.OWNER
                )
            )
        )
    creator = db.session.get(User, subscription.created_by_id) if subscription.created_by_id else None
    if creator is not None and permissions.can_manage_edition_webhooks(creator, subscription.edition):
        return [creator]
    return list(
        db.session.scalars(
            select(User)
            .join(EditionRole, EditionRole.user_id == User.id)
            .where(EditionRole.kind == EditionRole.ORGANIZER, EditionRole.edition_id == subscription.edition_id)
        )
    )


def subscription_page(subscription: WebhookSubscription, *, external: bool) -> str:
    build = external_url if external else site_path
    if subscription.booth_id is not None:
        return build("webhooks.booth_deliveries", slug=subscription.booth.slug, subscription_id=subscription.id)
    return build("webhooks.edition_deliveries", slug=subscription.edition.slug, subscription_id=subscription.id)


def _tell_disabled(subscription: WebhookSubscription) -> None:
    failures = subscription.consecutive_failures
    for user in _managers(subscription):
        if user.is_disabled:
            continue
        notify(
            user,
            DISABLED_KIND,
            dedupe_key=f"webhook-disabled:{subscription.id}:{subscription.disabled_at.isoformat()}",
            title=_l("A webhook subscription was disabled"),
            body=lambda: _(
                "Deliveries to %(url)s failed %(num)d times in a row, so they have stopped. Fix the "
                "receiver, enable the subscription again and replay what it missed.",
                url=subscription.url,
                num=failures,
            ),
            link=subscription_page(subscription, external=False),
            email_template="webhook_disabled",
            context={
                "user": user,
                "url": subscription.url,
                "failures": failures,
                "link": subscription_page(subscription, external=True),
            },
        )


def requeue_stalled_deliveries(now: datetime | None = None) -> int:
    """Publish again what the broker lost: due retries long overdue and claims of dead workers."""
    now = now or utcnow()
    stalled = db.session.scalars(
        select(WebhookDelivery.id)
        .where(
            or_(
                and_(
                    WebhookDelivery.status == WebhookDelivery.Status.PENDING,
                    WebhookDelivery.next_attempt_at < now - timedelta(minutes=5),
                ),
                and_(
                    WebhookDelivery.status == WebhookDelivery.Status.SENDING,
                    WebhookDelivery.claimed_at < now - SENDING_LEASE,
                ),
            )
        )
        .limit(1000)
    ).all()
    for delivery_id in stalled:
        enqueue_after_commit(DELIVER_TASK, delivery_id)
    return len(stalled)
