"""Webhooks: registered by an administrator, told of each change in the change's own
transaction, delivered signed to a real HTTP receiver, retried, logged."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from avvik.audit.models import AuditEntry
from avvik.core.errors import ValidationFailed
from avvik.core.timeutil import OSLO
from avvik.escalation.services import sweep
from avvik.extensions import db
from avvik.integrations.delivery import attempt_delivery
from avvik.integrations.models import DeliveryState, Webhook, WebhookDelivery
from avvik.integrations.webhooks import register_webhook, remove_webhook, secret_of
from avvik.outbox.models import OutboxMessage
from avvik.reports import vault
from avvik.reports.cli import rotate_identity_key_command
from avvik.reports.services import (
    acknowledge_report,
    add_comment,
    answer_report,
    approve_report,
    create_draft,
    submit_report,
)
from avvik.routing.services import route_report
from tests.conftest import login, post_form
from tests.factories import DEFAULT_PASSWORD
from tests.integrations.conftest import file_case
from tests.integrations.receiver import running_receiver, verify

SECRET = re.compile(r'id="new-secret" type="text" readonly value="([^"]+)"')


def deliveries(hook: Webhook) -> list[WebhookDelivery]:
    return list(db.session.scalars(select(WebhookDelivery).filter_by(webhook_id=hook.id)
                                   .order_by(WebhookDelivery.id)))


def test_an_administrator_registers_a_webhook_and_sees_the_secret_once(client, world):
    login(client, world.admin.username, DEFAULT_PASSWORD)
    page = post_form(client, f"/integrations/{world.kommune.id}/webhooks",
                     {"url": "https://kvalitet.example.org/avvik"})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    secret = SECRET.search(page.get_data(as_text=True)).group(1)
    hook = db.session.scalar(select(Webhook))
    assert secret.encode() not in hook.secret_ciphertext and secret_of(hook) == secret
    assert secret not in client.get(f"/integrations/{world.kommune.id}").get_data(as_text=True)
    [entry] = db.session.scalars(select(AuditEntry).filter_by(action="webhook.registered"))
    assert entry.detail["url"] == hook.url and secret not in json.dumps(entry.detail)


@pytest.mark.parametrize("url", ["ftp://kvalitet.example.org/", "kvalitet.example.org",
                                 "https://user:pw@kvalitet.example.org/"])
def test_a_url_that_cannot_be_a_receiver_is_refused_and_kept(client, world, url):
    login(client, world.admin.username, DEFAULT_PASSWORD)
    page = post_form(client, f"/integrations/{world.kommune.id}/webhooks", {"url": url})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'aria-invalid="true"' in html
    assert f'value="{url}"' in html
    assert db.session.scalar(select(Webhook.id)) is None


def test_production_wants_https_and_no_receiver_on_this_machine(app, world):
    app.config["WEBHOOK_ALLOW_INSECURE"] = False
    try:
        for url in ("http://kvalitet.example.org/", "https://127.0.0.1/x",
                    "https://localhost/x", "https://169.254.169.254/latest"):
            with pytest.raises(ValidationFailed):
                register_webhook(world.admin, world.kommune, url)
        # A quality system on the hospital's own network is allowed.
        register_webhook(world.admin, world.kommune, "https://10.20.30.40/avvik")
    finally:
        app.config["WEBHOOK_ALLOW_INSECURE"] = True


def test_each_change_queues_a_delivery_for_each_party_in_its_transaction(world):
    kommune_hook, _ = register_webhook(world.admin, world.kommune, "https://k.example.org/")
    hospital_hook, _ = register_webhook(world.admin, world.hospital, "https://h.example.org/")
    other_hook, _ = register_webhook(world.admin, world.other_kommune, "https://o.example/")
    report = file_case(world)  # filed, then routed
    acknowledge_report(world.ward_handler, report)
    answer_report(world.ward_handler, report, "Rutinesvikt.", "Ny sjekkliste.")
    db.session.commit()
    assert [d.event for d in deliveries(kommune_hook)] == [
        "case.filed", "case.changed", "case.changed", "case.answered"]
    assert [d.event for d in deliveries(hospital_hook)] == [
        "case.filed", "case.changed", "case.changed", "case.answered"]
    assert deliveries(other_hook) == []
    queued = db.session.scalars(select(OutboxMessage.payload)
                                .where(OutboxMessage.task == "webhooks.deliver")).all()
    assert sorted(p["delivery_id"] for p in queued) == sorted(
        d.id for d in deliveries(kommune_hook) + deliveries(hospital_hook))


def test_a_delivery_is_signed_and_says_no_more_than_ids_and_times(app, world):
    with running_receiver(200) as receiver:
        hook, secret = register_webhook(world.admin, world.kommune, receiver.url)
        report = file_case(world)
        first = deliveries(hook)[0]
        attempt = attempt_delivery(first.id)
        db.session.commit()
    assert attempt.state == DeliveryState.DELIVERED and not attempt.retry
    [call] = receiver.calls
    stamp = verify(secret, call.headers["Avvik-Signature"], call.body)
    assert stamp == int(first.last_attempt_at.timestamp())
    body = json.loads(call.body)
    assert body == {"id": first.id, "event": "case.filed",
                    "occurred_at": first.occurred_at.isoformat(),
                    "organization_id": world.kommune.id,
                    "report": {"id": report.id, "case_number": report.case_number,
                               "url": f"{app.config['BASE_URL']}/api/v1/reports/{report.id}"}}
    assert report.description not in call.body.decode()
    assert call.headers["Avvik-Event"] == "case.filed"
    assert (first.state, first.attempts, first.last_status) == (DeliveryState.DELIVERED, 1, 200)
    # Settled: a second message for it does nothing.
    assert attempt_delivery(first.id) is None and len(receiver.calls) == 1


def test_a_server_error_is_retried_and_logged_until_it_succeeds(app, world):
    with running_receiver(500, 503, 200) as receiver:
        hook, secret = register_webhook(world.admin, world.kommune, receiver.url)
        file_case(world)
        delivery = deliveries(hook)[0]
        outcomes = [attempt_delivery(delivery.id) for _ in range(3)]
    assert [o.retry for o in outcomes] == [True, True, False]
    assert [o.state for o in outcomes] == [DeliveryState.PENDING, DeliveryState.PENDING,
                                           DeliveryState.DELIVERED]
    assert (delivery.attempts, delivery.last_status, delivery.last_error) == (3, 200, None)
    for call in receiver.calls:  # each attempt signed anew
        verify(secret, call.headers["Avvik-Signature"], call.body)


def test_it_gives_up_after_the_last_attempt_and_on_a_refusal(app, world):
    app.config["WEBHOOK_MAX_ATTEMPTS"] = 2
    try:
        with running_receiver(500) as receiver:
            hook, _ = register_webhook(world.admin, world.kommune, receiver.url)
            file_case(world)
            delivery = deliveries(hook)[0]
            assert attempt_delivery(delivery.id).retry
            last = attempt_delivery(delivery.id)
        assert (last.state, last.retry) == (DeliveryState.FAILED, False)
        assert delivery.last_error == "HTTP 500"
    finally:
        app.config["WEBHOOK_MAX_ATTEMPTS"] = 8
    with running_receiver(410) as receiver:
        hook, _ = register_webhook(world.admin, world.hospital, receiver.url)
        report = file_case(world)
        refused = attempt_delivery(deliveries(hook)[0].id)
    assert (refused.state, refused.retry, refused.error) == (DeliveryState.FAILED, False,
                                                             "HTTP 410")
    assert report.id


def test_a_redirect_is_not_followed(app, world):
    with running_receiver(302) as receiver, running_receiver(200) as elsewhere:
        receiver.location = elsewhere.url
        hook, _ = register_webhook(world.admin, world.kommune, receiver.url)
        file_case(world)
        outcome = attempt_delivery(deliveries(hook)[0].id)
    assert outcome.state == DeliveryState.FAILED and "not followed" in outcome.error
    assert len(receiver.calls) == 1 and elsewhere.calls == []


def test_no_answer_is_retried(app, world):
    with running_receiver(200) as receiver:
        url = receiver.url  # the server is gone once the block ends: nobody answers
    hook, _ = register_webhook(world.admin, world.kommune, url)
    file_case(world)
    outcome = attempt_delivery(deliveries(hook)[0].id)
    assert outcome.retry and outcome.error.startswith("not reached")


def test_a_removed_webhook_hears_nothing_more(client, world):
    with running_receiver(200) as receiver:
        hook, _ = register_webhook(world.admin, world.kommune, receiver.url)
        report = file_case(world)
        queued = deliveries(hook)  # filed, routed
        remove_webhook(world.admin, world.kommune, hook)
        assert attempt_delivery(queued[0].id).state == DeliveryState.FAILED
        add_comment(world.ward_handler, report, "Vi ser på saken.")  # a change after
        db.session.commit()
    assert receiver.calls == [] and deliveries(hook) == queued
    assert queued[0].last_error == "webhook removed"


def test_the_delivery_log_is_on_the_administrators_page(client, world):
    with running_receiver(500) as receiver:
        hook, _ = register_webhook(world.admin, world.kommune, receiver.url)
        file_case(world)
        attempt_delivery(deliveries(hook)[0].id)
        db.session.commit()
    login(client, world.admin.username, DEFAULT_PASSWORD)
    html = client.get(f"/integrations/{world.kommune.id}").get_data(as_text=True)
    assert receiver.url in html and "case.filed" in html and "HTTP 500" in html
    remove = post_form(client, f"/integrations/{world.kommune.id}/webhooks/{hook.id}/remove",
                       {}, token_from=f"/integrations/{world.kommune.id}")
    assert remove.status_code == 302
    db.session.refresh(hook)
    assert hook.disabled_at is not None
    assert db.session.scalars(select(AuditEntry.action).filter_by(
        object_type="webhook")).all() == ["webhook.registered", "webhook.removed"]


def test_rotating_the_identity_key_keeps_the_secrets_readable(app, world):
    hook, secret = register_webhook(world.admin, world.kommune, "https://k.example.org/")
    db.session.commit()
    old_keys = app.config.get("IDENTITY_KEY")
    new_key = Fernet.generate_key().decode()
    app.config["IDENTITY_KEY"] = f"{new_key},{old_keys or vault._keys()[0]}"
    try:
        result = app.test_cli_runner().invoke(rotate_identity_key_command)
        assert result.exit_code == 0 and "and 1 webhook secret" in result.output
        app.config["IDENTITY_KEY"] = new_key  # the old key is gone now
        db.session.refresh(hook)
        assert secret_of(hook) == secret
    finally:
        app.config["IDENTITY_KEY"] = old_keys


def test_an_escalation_moves_the_case_in_the_feed_and_tells_the_webhooks(world):
    routed_at = datetime(2026, 11, 23, 9, 0, tzinfo=OSLO)
    hook, _ = register_webhook(world.admin, world.hospital, "https://h.example.org/")
    report = create_draft(world.reporter, world.report_input(), now=routed_at)
    submit_report(world.reporter, report, now=routed_at)
    route_report(report, now=routed_at)
    reminded, late = datetime(2026, 12, 7, 9, 1, tzinfo=OSLO), \
        datetime(2026, 12, 14, 10, 1, tzinfo=OSLO)
    [reminder] = sweep(reminded)
    assert reminder.kind == "reminder"
    assert [d.event for d in deliveries(hook)] == ["case.filed", "case.changed"]  # routed
    [level1] = sweep(late)
    assert level1.kind == "escalation"
    db.session.refresh(report)
    assert report.changed_at == late  # the reminder was no change for the parties
    assert [(d.event, d.occurred_at) for d in deliveries(hook)][-1] == ("case.changed", late)


def test_an_approved_report_is_filed_for_the_receiver_and_a_change_for_the_reporter(world):
    world.kommune.is_approval_required = True
    kommune_hook, _ = register_webhook(world.admin, world.kommune, "https://k.example.org/")
    hospital_hook, _ = register_webhook(world.admin, world.hospital, "https://h.example.org/")
    report = create_draft(world.reporter, world.report_input())
    submit_report(world.reporter, report)
    assert [d.event for d in deliveries(kommune_hook)] == ["case.filed"]
    assert deliveries(hospital_hook) == []  # not yet the hospital's
    approve_report(world.kommune_leader, report)
    assert [d.event for d in deliveries(kommune_hook)] == ["case.filed", "case.changed"]
    assert [d.event for d in deliveries(hospital_hook)] == ["case.filed"]
