"""Two workers given the same row at once: the conditional claim lets exactly one of them send."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from rostrum.notifications import actions
from rostrum.notifications.constants import EmailStatus
from rostrum.notifications.mail import send_on_commit
from rostrum.notifications.models import OutgoingEmail

CONTEXT = {"account_name": "Acme", "inviter": "Olga", "role": "Host", "accept_path": "/i/", "valid_days": 14}


def deliver_from_two_workers(email_id: int) -> list:
    """Both threads pass the barrier together, then each runs the delivery as a worker would."""
    barrier = threading.Barrier(2)
    results = []

    def worker():
        try:
            barrier.wait(timeout=10)
            results.append(actions.do_deliver_email(email_id))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    # Django's SQLite test database is in memory with a shared cache: a second writer gets "table is
    # locked" at once, where the product's file database (WAL, 20 s busy timeout) makes it wait.
    reason="needs a database whose writers wait for each other, as PostgreSQL's and the product's SQLite file do",
)
def test_two_workers_claiming_one_row_send_it_once(smtp_server):
    email = send_on_commit("team_invitation", "a@acme.example", CONTEXT)  # autocommit: enqueued, not run
    results = deliver_from_two_workers(email.pk)
    assert sorted(results, key=str) == [None, EmailStatus.SENT]
    assert len(smtp_server.received) == 1


@pytest.mark.django_db(transaction=True)
def test_control_a_read_then_write_claim_sends_twice(smtp_server, monkeypatch):
    """Without the conditional UPDATE the race is real: both workers see "queued" and both send."""
    gate = threading.Barrier(2)

    def naive_claim(email_id, now):
        email = OutgoingEmail.objects.get(pk=email_id)
        gate.wait(timeout=10)  # both have read the row before either writes
        if email.status not in (EmailStatus.QUEUED, EmailStatus.RETRYING):
            return False
        OutgoingEmail.objects.filter(pk=email_id).update(status=EmailStatus.SENDING, claimed_at=timezone.now())
        return True

    monkeypatch.setattr(actions, "do_claim_email", naive_claim)
    email = send_on_commit("team_invitation", "a@acme.example", CONTEXT)
    deliver_from_two_workers(email.pk)
    assert len(smtp_server.received) == 2
