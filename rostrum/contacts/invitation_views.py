"""The room's Invite page, and the public unsubscribe page that every invitation links to."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from rostrum.accounts.decorators import account_permission_required
from rostrum.contacts import invitations
from rostrum.contacts.constants import DeliveryStatus
from rostrum.contacts.errors import ContactsError
from rostrum.contacts.forms import InviteForm
from rostrum.contacts.models import Invitation
from rostrum.contacts.unsubscribe import do_unsubscribe, read_unsubscribe_token
from rostrum.rooms.access import access_room_by_id

SHOWN_INVITATIONS = 200
# Above this many contacts the page offers lists instead of one checkbox per contact.
CONTACT_CHECKBOX_LIMIT = 300


def delivery_status(invitation: Invitation) -> tuple[str, str]:
    """(code, label) of where an invitation is: skipped, or its outbox row's status."""
    if invitation.is_skipped:
        return DeliveryStatus.SKIPPED.value, DeliveryStatus.SKIPPED.label
    if invitation.outgoing is None:
        return "unknown", _("Unknown")
    return invitation.outgoing.status, invitation.outgoing.get_status_display()


def _send(request, room, form):
    addresses, bad = invitations.parse_addresses(form.cleaned_data["addresses"])
    recipients = invitations.collect_recipients(
        room.account, form.cleaned_data["contacts"], form.cleaned_data["lists"], addresses
    )
    try:
        with transaction.atomic():
            outcome = invitations.check_send_invitations(
                request.membership,
                room,
                recipients=recipients,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                language=form.cleaned_data["language"],
                request=request,
            )
    except ContactsError as error:
        form.add_error(None, error.message)
        return bad
    messages.success(
        request,
        _("%(sent)d invitations queued, %(skipped)d skipped (unsubscribed).")
        % {"sent": len(outcome.sent), "skipped": len(outcome.skipped)},
    )
    return bad


@account_permission_required("manage_rooms")
def room_invite(request, room_id: int):
    room = access_room_by_id(request.membership, room_id, "manage_rooms")
    initial = {
        "subject": invitations.default_subject(),
        "body": invitations.default_body(),
        "language": get_language(),
    }
    form = InviteForm(request.POST or None, initial=initial, account=room.account)
    bad_addresses: list[str] = []
    if request.method == "POST" and form.is_valid():
        bad_addresses = _send(request, room, form)
        if not bad_addresses and not form.errors:
            return redirect("room_invite", room_id=room.pk)
        if bad_addresses and not form.errors:
            # The good addresses went out; leave only the bad ones in the box to fix.
            form = InviteForm(
                initial={**form.cleaned_data, "addresses": "\n".join(bad_addresses), "contacts": [], "lists": []},
                account=room.account,
            )
    sent = Invitation.objects.filter(room=room).select_related("outgoing")[:SHOWN_INVITATIONS]
    context = {
        "room": room,
        "form": form,
        "bad_addresses": bad_addresses,
        "invitations": [(invitation, *delivery_status(invitation)) for invitation in sent],
        "invitation_count": Invitation.objects.filter(room=room).count(),
        "contact_count": form.fields["contacts"].queryset.count(),
        "checkbox_limit": CONTACT_CHECKBOX_LIMIT,
    }
    status = 400 if form.errors or bad_addresses else 200
    return render(request, "contacts/room_invite.html", context, status=status)


@csrf_exempt  # RFC 8058: mail clients POST here without a session; the signed token is the proof
def unsubscribe(request, token: str):
    found = read_unsubscribe_token(token)
    if found is None:
        return render(request, "contacts/unsubscribe_invalid.html", status=404)
    account, email = found
    if request.method == "POST":
        do_unsubscribe(account, email)
        return render(request, "contacts/unsubscribe_done.html", {"account": account, "email": email})
    return render(request, "contacts/unsubscribe_confirm.html", {"account": account, "email": email})
