"""Files in chat: a participant posts a file (with an optional caption) when the organisers allow it.

One setting: the room's ``chat_files_allowed``. The room form sets it and the organisers' live switch
(``chat.allow_files``) writes it too, so the room's next session starts as this one was left.
Organisers may always send files. A file goes out as a public chat message (``chat.posted`` with
its ``attachment``), under every rule of the chat (ended, not let in, muted, locked, pace).

The type is what the content sniffs as (``rostrum.library.sniffing``), never the name or the
browser's claim. The bytes are stored under a key of our own before the transaction that records
them; if that transaction fails, they are deleted again.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from rostrum.engagement.actions.chat import audience_of, check_may_post, message_data
from rostrum.engagement.constants import (
    CHAT_FILE_NAME_MAX_LENGTH,
    CHAT_FILE_RATE_COUNT,
    CHAT_FILE_RATE_SECONDS,
    CHAT_FILE_TYPE_ALIASES,
    CHAT_FILE_TYPES,
    CHAT_MAX_LENGTH,
)
from rostrum.engagement.models import ChatAttachment, ChatMessage
from rostrum.library.actions import clean_name
from rostrum.library.sniffing import sniff_mime_type
from rostrum.live import audiences
from rostrum.live.context import LiveContext
from rostrum.live.errors import LiveError
from rostrum.live.publish import publish_on_commit
from rostrum.rooms.models import Participant, Room, Session
from rostrum.rooms.session_actions import require_moderator


def check_allow_files(context, allowed: bool) -> None:
    require_moderator(context)
    room = context.session.room
    Room.objects.filter(pk=room.pk).update(chat_files_allowed=allowed)
    room.chat_files_allowed = allowed
    publish_on_commit(context.session, "chat.files_allowed", {"allowed": allowed}, audiences.everyone())


def check_file_size(size: int) -> None:
    if size <= 0:
        raise LiveError("empty_file", _("The file is empty."))
    if size > settings.CHAT_FILE_MAX_BYTES:
        raise LiveError(
            "file_too_large",
            _("The file is larger than %(maximum)s, the most a file in chat may be.")
            % {"maximum": filesizeformat(settings.CHAT_FILE_MAX_BYTES)},
        )


def sniff_chat_file_type(uploaded_file) -> str:
    """The content's type when chat accepts it; ``LiveError("unsupported_type")`` otherwise."""
    content_type = sniff_mime_type(uploaded_file)
    content_type = CHAT_FILE_TYPE_ALIASES.get(content_type, content_type)
    if content_type not in CHAT_FILE_TYPES:
        raise LiveError(
            "unsupported_type",
            _(
                "This kind of file cannot be sent in chat (its content looks like %(type)s). Send a PDF, an "
                "image (PNG, JPEG, GIF, WebP), an office document (Word, Excel, PowerPoint, OpenDocument) or "
                "plain text."
            )
            % {"type": content_type},
        )
    return content_type


def check_may_attach(context, size: int) -> None:
    """The chat's rules, the organisers' switch, the sender's pace and the session's total."""
    check_may_post(context)
    participant, session = context.participant, context.session
    if not (participant.is_organiser or session.room.chat_files_allowed):
        raise LiveError("files_not_allowed", _("The organisers do not allow files in the chat right now."))
    since = timezone.now() - timedelta(seconds=CHAT_FILE_RATE_SECONDS)
    if ChatAttachment.objects.filter(uploaded_by=participant, created_at__gte=since).count() >= CHAT_FILE_RATE_COUNT:
        raise LiveError(
            "rate_limited",
            _("You are sending files too fast: at most %(count)d files in %(seconds)d seconds.")
            % {"count": CHAT_FILE_RATE_COUNT, "seconds": CHAT_FILE_RATE_SECONDS},
        )
    used = ChatAttachment.objects.filter(session=session).aggregate(total=Sum("size"))["total"] or 0
    if used + size > settings.CHAT_FILES_SESSION_MAX_BYTES:
        raise LiveError(
            "session_files_full",
            _("This session's chat already holds as many files as it can (%(limit)s in all).")
            % {"limit": filesizeformat(settings.CHAT_FILES_SESSION_MAX_BYTES)},
        )


def _context(participant_id: int, *, lock: bool = False) -> LiveContext:
    participant = Participant.objects.select_related("session__room__account").get(pk=participant_id)
    if lock:  # files of one session are counted and numbered one at a time
        participant.session = (
            Session.objects.select_for_update(of=("self",))  # the session's row only, not its room's or account's
            .select_related("room__account")
            .get(pk=participant.session_id)
        )
    return LiveContext(participant=participant, session=participant.session)


def clean_caption(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > CHAT_MAX_LENGTH:
        raise LiveError("invalid", _("A message has at most %(count)d characters.") % {"count": CHAT_MAX_LENGTH})
    return text


def check_post_file(participant_id: int, uploaded_file, text: str | None = "") -> ChatAttachment:
    """Check, store the bytes under a key of our own, then record and publish in one transaction.

    The caller is outside any transaction (the upload view is not atomic). Raises ``LiveError`` with
    nothing stored when a rule refuses the file; a failure after the bytes are stored deletes them.
    """
    caption = clean_caption(text)
    check_file_size(uploaded_file.size)
    context = _context(participant_id)
    check_may_attach(context, uploaded_file.size)  # refuse early, before any byte is stored
    attachment = ChatAttachment(
        session=context.session,
        uploaded_by=context.participant,
        name=clean_name(uploaded_file.name, CHAT_FILE_NAME_MAX_LENGTH) or _("file"),
        content_type=sniff_chat_file_type(uploaded_file),
        size=uploaded_file.size,
    )
    attachment.file.save("upload", uploaded_file, save=False)
    try:
        with transaction.atomic():
            context = _context(participant_id, lock=True)
            check_may_attach(context, attachment.size)  # again, now that concurrent uploads wait their turn
            do_post_file(context, attachment, caption)
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def do_post_file(context, attachment: ChatAttachment, caption: str) -> ChatAttachment:
    """Record a stored file as a public chat message. The caller checked it and holds the session's row lock."""
    message = ChatMessage.objects.create(session=context.session, author=context.participant, text=caption)
    attachment.message = message
    attachment.uploaded_by = context.participant
    attachment.save()
    publish_on_commit(context.session, "chat.posted", message_data(message, attachment), audience_of(message))
    return attachment
