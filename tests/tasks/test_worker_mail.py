"""mail.send_test through a real Celery worker on Redis to a real SMTP server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from celery import Celery

import config
from avvik.app import create_app
from tests.services import free_port
from tests.tasks.processes import (
    SmtpServer,
    celery_worker,
    clean_environment,
    log_text,
    redis_broker_url,
    wait_for,
)

pytestmark = pytest.mark.slow

MAIL_FROM = "Avvik test <avvik-test@example.org>"
ADDRESS = "leder@kommune.example.org"


@dataclass
class MailRig:
    celery: Celery
    smtp: SmtpServer
    queue: str
    log: Path

    def send_test(self) -> str:
        message_id = f"<test.{uuid.uuid4().hex}@avvik>"
        self.celery.send_task("mail.send_test", args=[ADDRESS, message_id, "en"],
                              queue=self.queue)
        return message_id

    def wait_for_log(self, text: str, timeout: float = 60) -> None:
        wait_for(lambda: text in log_text(self.log), timeout,
                 f"{text!r} in the worker log:\n{log_text(self.log)}")


@pytest.fixture
def rig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MailRig]:
    """A worker, the app's Celery instance to enqueue with, and an SMTP server not started."""
    settings = {
        "AVVIK_ENV": "testing",
        "AVVIK_BROKER_URL": redis_broker_url(),
        "AVVIK_DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "AVVIK_INSTANCE_DIR": str(tmp_path / "instance"),
        "AVVIK_SMTP_HOST": "127.0.0.1",
        "AVVIK_SMTP_PORT": str(free_port()),
        "AVVIK_MAIL_FROM": MAIL_FROM,
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    celery = create_app(config.TestingConfig()).extensions["celery"]
    smtp = SmtpServer(int(settings["AVVIK_SMTP_PORT"]))
    try:
        with celery_worker(clean_environment(**settings), tmp_path / "worker.log") as (
                queue, log):
            yield MailRig(celery, smtp, queue, log)
    finally:
        smtp.stop()
        celery.close()


def test_send_test_task_delivers_one_message_with_text_and_html(rig: MailRig) -> None:
    rig.smtp.start()
    message_id = rig.send_test()

    rig.wait_for_log("succeeded")
    assert len(rig.smtp.messages) == 1
    recipients, message = rig.smtp.messages[0]
    assert recipients == [ADDRESS]
    assert message["Message-ID"] == message_id
    assert message["From"] == MAIL_FROM
    assert message["To"] == ADDRESS
    assert message["Subject"] == "Test message from Avvik"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and "test message from Avvik" in text.get_content()
    assert html is not None and "<html" in html.get_content()


def test_send_test_task_retries_until_smtp_answers_then_delivers_once(rig: MailRig) -> None:
    message_id = rig.send_test()
    rig.wait_for_log("Retry in")  # the SMTP server is down: the task backs off

    rig.smtp.start()
    rig.wait_for_log("succeeded")
    assert [m["Message-ID"] for _, m in rig.smtp.messages] == [message_id]
