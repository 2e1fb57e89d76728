"""Queues that cannot starve each other: a ticket e-mail goes out while a big report compiles.

Production runs a worker per queue (docker-compose.yml); this test does the same, with real
workers on PostgreSQL and Redis: the session's all-queue worker is stopped for it and started
again afterwards. What is asserted is the order of events, never a duration: the ticket reaches
the SMTP server after the report worker started compiling and before it finished.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from bench.order_leads_report import PERIOD
from bench.order_leads_report import seed as seed_leads
from expo.accounts.models import User
from expo.background import EMAIL_QUEUE, QUEUES, REPORTS_QUEUE
from expo.booths.models import Booth
from expo.extensions import db
from expo.leads import reports
from expo.leads.models import LeadReport
from tests.integration.conftest import SmtpServer, WorkerProcess, wait_for, worker_command
from tests.integration.test_registration_emails import arrange as arrange_session
from tests.integration.test_registration_emails import register

pytestmark = pytest.mark.integration

# Half the benchmark's volume: some 3 s of compiling on a quiet machine, more on a busy one, against
# well under a second for the ticket; seeding it takes most of the test's time.
LEADS = int(os.environ.get("EXPO_TEST_QUEUE_LEADS", "50000"))
REPORT_TIMEOUT = 300.0


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture()
def workers_per_queue(celery_worker: WorkerProcess, tmp_path: Path) -> Iterator[dict[str, WorkerProcess]]:
    """One solo worker per queue, as in production, instead of the session's worker for every queue."""
    _stop(celery_worker.process)
    workers = {}
    try:
        for queue in QUEUES:
            log_path = tmp_path / f"worker-{queue}.log"
            log_path.touch()
            worker = WorkerProcess(
                None,
                log_path,
                celery_worker.broker,  # type: ignore[arg-type]
                worker_command(queue, [queue]),
                celery_worker.env,
            )
            worker.start()
            workers[queue] = worker
        yield workers
    finally:
        for worker in workers.values():
            if worker.process is not None:
                _stop(worker.process)
        celery_worker.start()


def _report(app: Flask, report_id: int) -> LeadReport:
    with app.app_context():
        report = db.session.get(LeadReport, report_id)
        db.session.expunge(report)
        return report


def test_a_ticket_email_goes_out_while_a_big_report_compiles(
    app: Flask, smtp_server: SmtpServer, workers_per_queue: dict[str, WorkerProcess]
) -> None:
    with app.app_context():
        booth_id = seed_leads(LEADS)
        db.session.remove()
    session_id, (attendee, _waiting) = arrange_session(app, capacity=1, starts_at=datetime(2027, 9, 11, 1, tzinfo=UTC))
    arrivals: list[datetime] = []
    smtp_server.handler.after_message(lambda _count: arrivals.append(datetime.now(UTC)))

    with app.test_request_context():
        owner = db.session.scalar(select(User).where(User.email == "owner@bench.example"))
        report = reports.request_booth_report(
            owner, db.session.get(Booth, booth_id), period_from=PERIOD[0], period_to=PERIOD[1], timezone="Asia/Shanghai"
        )
        db.session.commit()  # publishes leads.compile_lead_report to the reports queue
        report_id = report.id
        db.session.remove()
    wait_for(
        lambda: _report(app, report_id).status == LeadReport.Status.RUNNING,
        what="the reports worker to start compiling",
        timeout=60,
    )

    register(app, attendee, session_id)  # the ticket: registrations.send_ticket, then the e-mail, both on "email"
    [ticket] = smtp_server.wait_for_messages(1, timeout=60)
    assert ticket.recipients == (attendee,)
    assert ticket.message["Subject"] == "Your ticket: Dental care"
    ticket_arrived = arrivals[0]

    report = wait_for(
        lambda: (lambda r: r if r.status in (LeadReport.Status.DONE, LeadReport.Status.FAILED) else None)(
            _report(app, report_id)
        ),
        what="the report to finish",
        timeout=REPORT_TIMEOUT,
    )
    assert report.status == LeadReport.Status.DONE, report.error
    assert report.rows_total == LEADS
    # The order of events: the report worker started, the ticket arrived, then the report finished.
    assert report.started_at < ticket_arrived < report.finished_at, (
        f"report {report.started_at} → {report.finished_at}, ticket at {ticket_arrived}"
    )
    compiled = re.compile(r"Task leads\.compile_lead_report\[[^\]]+\] received")
    assert compiled.search(workers_per_queue[REPORTS_QUEUE].log())
    assert not any(compiled.search(workers_per_queue[queue].log()) for queue in QUEUES if queue != REPORTS_QUEUE)
    ticket_sent = re.compile(r"Task registrations\.send_ticket\[[^\]]+\] received")
    assert ticket_sent.search(workers_per_queue[EMAIL_QUEUE].log())
    print(
        f"report compiled in {report.finished_at - report.started_at}, "
        f"ticket arrived {ticket_arrived - report.started_at} after it started"
    )
