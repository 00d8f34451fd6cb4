"""Make a room to load: an account, a webinar room, a started session, a host and N admitted attendees.

Writes the session id and every participant's join token to a JSON file. It uses the same
environment as the server (``DATABASE_URL``, ``ROSTRUM_VAR_DIR``, ``ROSTRUM_SECRET_KEY``), so the
tokens it signs are the ones the server accepts.

    python benchmarks/setup_room.py --attendees 1000 --out /tmp/room.json

The host and the account are made through the real actions (``do_create_account``, the room form
and ``check_create_room``, ``do_join``); the attendees are inserted in one ``bulk_create`` as
admitted participants, which is what ``do_join`` leaves behind once the session has started with
automatic admission, without thousands of separate transactions.
"""

import argparse
import json
import os
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostrum.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attendees", type=int, default=1000)
    parser.add_argument("--room-type", default="webinar", choices=["webinar", "meeting"])
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.db import transaction
    from django.utils import timezone

    from rostrum.accounts.actions import do_create_account
    from rostrum.accounts.models import User
    from rostrum.live.tokens import make_join_token
    from rostrum.rooms.constants import ParticipantRole
    from rostrum.rooms.forms import RoomForm
    from rostrum.rooms.models import Participant, Session
    from rostrum.rooms.session_actions import current_session, do_join

    tag = uuid.uuid4().hex[:10]
    with transaction.atomic():
        user = User.objects.create_user(f"bench-{tag}@bench.example", None, first_name="Bench", last_name="Host")
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        account = do_create_account(user, name=f"Bench {tag}", country="PL", timezone_name="UTC")
        account.plan_code = "business"  # a room of a thousand: the plan that allows one
        account.save(update_fields=["plan_code"])
        membership = account.memberships.get(user=user)
        from rostrum.rooms.actions import check_create_room

        form = RoomForm(
            {
                "room_type": args.room_type,
                "name": f"Bench room {tag}",
                "starts_at_local": timezone.now().strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": 60,
                "timezone": "UTC",
                "access_type": "open",
                "lobby_enabled": True,
                "lobby_description": "",
            },
            account=membership.account,
        )
        assert form.is_valid(), form.errors
        room = check_create_room(membership, form)
    session = current_session(room)
    Session.objects.filter(pk=session.pk).update(started_at=timezone.now())
    host = do_join(room, key=f"host-{tag}", display_name="Bench Host", role=ParticipantRole.HOST, user=user)
    attendees = Participant.objects.bulk_create(
        Participant(
            session_id=session.pk,
            key=f"a{n}-{tag}",
            display_name=f"Attendee {n:05d}",
            role=ParticipantRole.ATTENDEE,
            is_admitted=True,
        )
        for n in range(args.attendees)
    )
    if attendees and attendees[0].pk is None:  # backends that do not return ids from bulk inserts
        attendees = list(Participant.objects.filter(session_id=session.pk, role=ParticipantRole.ATTENDEE))
    data = {
        "session_id": session.pk,
        "room_type": args.room_type,
        "host": make_join_token(host.pk),
        "attendees": [make_join_token(p.pk) for p in attendees],
    }
    Path(args.out).write_text(json.dumps(data))
    print(f"session {session.pk}: host and {len(attendees)} attendees -> {args.out}")


if __name__ == "__main__":
    main()
