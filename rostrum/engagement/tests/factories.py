"""Converted presentations for tests: a library file with page images, as the conversion leaves them."""

import io

from django.core.files.base import ContentFile

from rostrum.library.models import LibraryPage
from rostrum.library.tests.factories import make_library_file

# One colour per page, so a test (or a browser) can tell the pages apart by their pixels.
PAGE_COLOURS = ((220, 30, 30), (30, 160, 60), (40, 70, 220))


def page_png(colour: tuple[int, int, int], width: int = 320, height: int = 180) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def make_presentable_file(membership, *, name: str = "Quarterly deck.pptx", colours=PAGE_COLOURS, **fields):
    """A converted PPTX of the account with one PNG page per colour."""
    library_file = make_library_file(
        membership,
        name=name,
        content=b"PK\x03\x04 not really a deck",
        mime_type="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        document_type="presentation_pptx",
        status="converted",
        **fields,
    )
    for number, colour in enumerate(colours, start=1):
        LibraryPage.objects.create(
            file=library_file,
            number=number,
            image=ContentFile(page_png(colour), name=f"page-{number}.png"),
            width=320,
            height=180,
        )
    if hasattr(library_file, "page_count"):
        library_file.page_count = len(colours)
        library_file.save(update_fields=["page_count"])
    return library_file


def make_chat_attachment(session, *, name: str = "notes.pdf", content: bytes = b"%PDF-1.4\n% chat file\n"):
    """A file posted in the session's chat by its host, as chat_files.do_post_file leaves it."""
    from rostrum.engagement.models import ChatAttachment, ChatMessage
    from rostrum.rooms.models import Participant

    host, _created = Participant.objects.get_or_create(
        session=session, key="chat-file-host", defaults={"display_name": "Hanna", "role": "host", "is_admitted": True}
    )
    message = ChatMessage.objects.create(session=session, author=host, text="")
    attachment = ChatAttachment(
        session=session, message=message, uploaded_by=host, name=name, content_type="application/pdf", size=len(content)
    )
    attachment.file.save("upload", ContentFile(content), save=False)
    attachment.save()
    return attachment
