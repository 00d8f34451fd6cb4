"""Recording pages: the account's list, watching, downloading, sharing, deleting; shared links."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rostrum.accounts.access import has_permission
from rostrum.accounts.decorators import account_permission_required
from rostrum.library.quota import build_storage_usage
from rostrum.recordings import actions
from rostrum.recordings.access import access_recording_by_id, recordings_of
from rostrum.recordings.constants import MANAGE_PERMISSION, SIGNED_LINK_MAX_AGE, VIEW_PERMISSION
from rostrum.recordings.ranges import range_response

CONTENT_TYPE = "video/mp4"


def file_name(recording) -> str:
    room = recording.room.name if recording.room else "recording"
    safe = "".join(c if c.isalnum() or c in "-_ " else "_" for c in room).strip() or "recording"
    return f"{safe} {recording.started_at:%Y-%m-%d %H%M}.mp4"


def media_response(request, recording, as_attachment=False):
    if not recording.is_ready or not recording.file:
        raise Http404
    try:
        return range_response(request, recording.file, CONTENT_TYPE, file_name(recording), as_attachment)
    except FileNotFoundError:
        raise Http404 from None


@require_GET
@account_permission_required(VIEW_PERMISSION)
def recording_list(request):
    membership = request.membership
    context = {
        "recordings": recordings_of(membership),
        "usage": build_storage_usage(membership.account),
        "can_manage": has_permission(membership, MANAGE_PERMISSION),
    }
    return render(request, "recordings/recording_list.html", context)


@require_GET
@account_permission_required(VIEW_PERMISSION)
def recording_detail(request, recording_id: int):
    recording = access_recording_by_id(request.membership, recording_id)
    context = {
        "recording": recording,
        "can_manage": has_permission(request.membership, MANAGE_PERMISSION),
        "public_url": request.build_absolute_uri(reverse("recording_public", args=[recording.share_token]))
        if recording.is_public and recording.share_token
        else "",
        "signed_url": request.session.pop(f"recording-signed-{recording.pk}", ""),
        "signed_days": SIGNED_LINK_MAX_AGE // 86400,
    }
    return render(request, "recordings/recording_detail.html", context)


@require_GET
@account_permission_required(VIEW_PERMISSION)
def recording_media(request, recording_id: int):
    return media_response(request, access_recording_by_id(request.membership, recording_id))


@require_GET
@account_permission_required(VIEW_PERMISSION)
def recording_download(request, recording_id: int):
    return media_response(request, access_recording_by_id(request.membership, recording_id), as_attachment=True)


@require_POST
@account_permission_required(MANAGE_PERMISSION)
def recording_share(request, recording_id: int):
    recording = access_recording_by_id(request.membership, recording_id, MANAGE_PERMISSION)
    make_public = request.POST.get("public") == "1"
    actions.do_set_public(recording, make_public)
    messages.success(request, _("The public link is on.") if make_public else _("The public link is off."))
    return redirect("recording_detail", recording.pk)


@require_POST
@account_permission_required(MANAGE_PERMISSION)
def recording_signed_link(request, recording_id: int):
    recording = access_recording_by_id(request.membership, recording_id, MANAGE_PERMISSION)
    token = actions.build_signed_token(recording)
    request.session[f"recording-signed-{recording.pk}"] = request.build_absolute_uri(
        reverse("recording_signed", args=[token])
    )
    return redirect("recording_detail", recording.pk)


@account_permission_required(MANAGE_PERMISSION)
def recording_delete(request, recording_id: int):
    recording = access_recording_by_id(request.membership, recording_id, MANAGE_PERMISSION)
    if request.method == "POST":
        actions.do_delete_recording(recording)
        messages.success(request, _("The recording was deleted."))
        return redirect("recording_list")
    return render(request, "recordings/confirm_delete.html", {"recording": recording})


# Shared links: no login; the token is the key. ------------------------------------------------


def shared_page(request, recording, media_url: str):
    response = render(request, "recordings/shared.html", {"recording": recording, "media_url": media_url})
    response["Referrer-Policy"] = "no-referrer"  # the token is in the address
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def recording_public(request, token: str):
    recording = actions.recording_from_public_token(token)
    if recording is None:
        raise Http404
    return shared_page(request, recording, reverse("recording_public_media", args=[token]))


@require_GET
def recording_public_media(request, token: str):
    recording = actions.recording_from_public_token(token)
    if recording is None:
        raise Http404
    return media_response(request, recording)


@require_GET
def recording_signed(request, token: str):
    recording = actions.recording_from_signed_token(token)
    if recording is None:
        raise Http404
    return shared_page(request, recording, reverse("recording_signed_media", args=[token]))


@require_GET
def recording_signed_media(request, token: str):
    recording = actions.recording_from_signed_token(token)
    if recording is None:
        raise Http404
    return media_response(request, recording)


@account_permission_required(MANAGE_PERMISSION)
def room_recording_settings(request, room_id: int):
    from rostrum.recordings.models import RecordingSettings
    from rostrum.rooms.access import access_room_by_id

    room = access_room_by_id(request.membership, room_id, MANAGE_PERMISSION)
    current = RecordingSettings.objects.filter(room=room).first()
    if request.method == "POST":
        actions.do_set_records_automatically(room, request.POST.get("records_automatically") == "on")
        messages.success(request, _("Recording settings saved."))
        return redirect("room_recording_settings", room.pk)
    context = {"room": room, "records_automatically": bool(current and current.records_automatically)}
    return render(request, "recordings/room_settings.html", context)
