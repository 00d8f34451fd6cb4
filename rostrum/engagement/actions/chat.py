"""Chat: public messages, private ones with the organisers (and between people in a meeting)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rostrum.engagement.constants import CHAT_RATE_COUNT, CHAT_RATE_SECONDS
from rostrum.engagement.models import ChatMessage
from rostrum.live import audiences
from rostrum.live.errors import LiveError
from rostrum.live.publish import publish_on_commit
from rostrum.rooms.constants import RoomType
from rostrum.rooms.models import Participant
from rostrum.rooms.session_actions import access_participant_in_session, participant_card, require_moderator

TO_ORGANISERS = "organisers"
READ = object()  # message_data: read the attachment from the message


def attachment_data(attachment) -> dict:
    """A file posted in chat, as the room shows it; ``url`` is for the session's participants."""
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "url": reverse("chat_file_download", args=[attachment.pk]),
    }


def message_data(message: ChatMessage, attachment=READ) -> dict:
    """``attachment``: the message's file, or None; read from the message (select it with it) when not given."""
    if attachment is READ:
        attachment = getattr(message, "attachment", None)  # the reverse one-to-one: None when there is none
    return {
        "id": message.pk,
        "author": participant_card(message.author),
        "text": message.text,
        "at": message.created_at.isoformat(),
        "to_organisers": message.to_organisers,
        "recipient_id": message.recipient_id,
        "attachment": attachment_data(attachment) if attachment is not None else None,
    }


def audience_of(message: ChatMessage) -> audiences.Audience:
    if message.to_organisers:
        return audiences.moderators(message.author_id)
    if message.recipient_id is not None:
        return audiences.only(message.author_id, message.recipient_id)
    return audiences.everyone()


def can_see(message: ChatMessage, viewer) -> bool:
    if message.to_organisers:
        return viewer.is_moderator or viewer.participant_id == message.author_id
    if message.recipient_id is not None:
        return viewer.participant_id in (message.author_id, message.recipient_id)
    return viewer.is_admitted


def check_may_post(context) -> None:
    participant, session = context.participant, context.session
    if session.ended_at is not None:
        raise LiveError("session_ended", _("The session has ended."))
    if not participant.is_admitted:
        raise LiveError("not_admitted", _("You can write once you are let in."))
    if participant.is_chat_muted:
        raise LiveError("chat_muted", _("The organiser has turned off your chat."))
    if session.chat_locked and not participant.is_organiser:
        raise LiveError("chat_locked", _("The organiser has locked the chat."))
    since = timezone.now() - timedelta(seconds=CHAT_RATE_SECONDS)
    recent = ChatMessage.objects.filter(author=participant, created_at__gte=since).count()
    if recent >= CHAT_RATE_COUNT:
        raise LiveError(
            "rate_limited",
            _("You are writing too fast: at most %(count)d messages in %(seconds)d seconds.")
            % {"count": CHAT_RATE_COUNT, "seconds": CHAT_RATE_SECONDS},
        )


def _recipient(context, to: str | int | None) -> tuple[bool, Participant | None]:
    """(to the organisers?, recipient) for a message addressed ``to``."""
    if to is None:
        return False, None
    if to == TO_ORGANISERS:
        return True, None
    recipient = access_participant_in_session(context, int(to))
    sender = context.participant
    in_meeting = context.session.room.room_type == RoomType.MEETING
    if recipient.pk == sender.pk:
        raise LiveError("invalid", _("Write to someone else."))
    if not (sender.is_organiser or recipient.is_organiser or in_meeting):
        raise LiveError("not_allowed", _("In a webinar, private messages go to the organisers."))
    return False, recipient


def check_post_message(context, text: str, to: str | int | None = None) -> ChatMessage:
    check_may_post(context)
    to_organisers, recipient = _recipient(context, to)
    message = ChatMessage.objects.create(
        session=context.session, author=context.participant, text=text, to_organisers=to_organisers, recipient=recipient
    )
    publish_on_commit(context.session, "chat.posted", message_data(message, attachment=None), audience_of(message))
    return message


def check_delete_message(context, message_id: int) -> None:
    require_moderator(context)
    message = ChatMessage.objects.filter(session=context.session, pk=message_id, deleted_at=None).first()
    if message is None:
        raise LiveError("not_found", _("There is no such message."))
    message.deleted_at = timezone.now()
    message.save(update_fields=["deleted_at"])
    publish_on_commit(context.session, "chat.deleted", {"id": message.pk}, audience_of(message))


def check_lock_chat(context, locked: bool) -> None:
    require_moderator(context)
    session = context.session
    session.chat_locked = locked
    session.save(update_fields=["chat_locked"])
    publish_on_commit(session, "chat.locked", {"locked": locked}, audiences.everyone())


def check_mute_participant_chat(context, participant_id: int, muted: bool) -> None:
    require_moderator(context)
    participant = access_participant_in_session(context, participant_id)
    if participant.is_organiser:
        raise LiveError("not_allowed", _("Organisers' chat cannot be turned off."))
    participant.is_chat_muted = muted
    participant.save(update_fields=["is_chat_muted"])
    publish_on_commit(
        context.session,
        "participant.chat_muted",
        {"id": participant.pk, "muted": muted},
        audiences.moderators(participant.pk),
    )


def check_expel(context, participant_id: int) -> None:
    """Remove a participant from the session; their browser cannot come back to it."""
    require_moderator(context)
    participant = access_participant_in_session(context, participant_id)
    if participant.is_organiser:
        raise LiveError("not_allowed", _("Organisers cannot be removed."))
    participant.is_expelled = True
    participant.is_admitted = False
    participant.hand_raised_at = None
    participant.save(update_fields=["is_expelled", "is_admitted", "hand_raised_at"])
    publish_on_commit(
        context.session,
        "participant.expelled",
        {"id": participant.pk},
        audiences.moderators(),
        control={participant.pk: "close"},
    )
