"""Uploading through the page: content decides the type, the server decides the key, limits hold."""

import re

import pytest

from rostrum.library.constants import FileStatus
from rostrum.library.models import LibraryFile
from rostrum.library.quota import storage_limit, storage_used
from rostrum.library.tests import factories
from rostrum.library.tests.factories import make_library_file, upload

pytestmark = pytest.mark.django_db
KEY = re.compile(r"^library/(\d+)/[0-9a-f]{32}$")


def stored_keys(settings) -> list[str]:
    root = settings.PRIVATE_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize("spooled", [False, True], ids=["in-memory", "spooled-to-disk"])
def test_a_pdf_uploaded_on_the_page_waits_for_conversion_under_a_key_of_our_own(owner, client_for, settings, spooled):
    if spooled:
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # the upload goes to a temporary file, read through its path
    content = factories.pdf_bytes()
    response = upload(client_for(owner.user), content, "Quarterly results.pdf")
    assert response.status_code == 302 and response["Location"] == "/library/"
    library_file = LibraryFile.objects.get()
    assert (library_file.kind, library_file.document_type) == ("presentation", "presentation_pdf")
    assert (library_file.status, library_file.conversion_progress) == (FileStatus.WAITING_FOR_CONVERSION, 0)
    assert (library_file.mime_type, library_file.size) == ("application/pdf", len(content))
    assert (library_file.name, library_file.original_name) == ("Quarterly results.pdf", "Quarterly results.pdf")
    assert library_file.uploaded_by == owner.user and library_file.account == owner.account
    match = KEY.match(library_file.file.name)
    assert match and int(match.group(1)) == owner.account.pk
    assert "Quarterly" not in library_file.file.name
    assert stored_keys(settings) == [library_file.file.name]
    with library_file.file.open("rb") as stored:
        assert stored.read() == content


@pytest.mark.parametrize(
    ("make", "name", "kind", "document_type", "status"),
    [
        (lambda tmp: factories.image_bytes("PNG"), "logo.png", "image", "image", "converted"),
        (lambda tmp: factories.image_bytes("JPEG"), "photo.jpg", "image", "image", "converted"),
        (
            lambda tmp: factories.ooxml_bytes("pptx"),
            "deck.pptx",
            "presentation",
            "presentation_pptx",
            "waiting_for_conversion",
        ),
        (
            lambda tmp: factories.ooxml_bytes("docx"),
            "letter.docx",
            "document",
            "document_docx",
            "waiting_for_conversion",
        ),
        (
            lambda tmp: factories.ooxml_bytes("xlsx"),
            "sheet.xlsx",
            "spreadsheet",
            "document_xlsx",
            "waiting_for_conversion",
        ),
        (lambda tmp: factories.odf_bytes(), "talk.odp", "presentation", "presentation_odp", "waiting_for_conversion"),
        (factories.mp3_bytes, "tone.mp3", "audio", "audio", "converted"),
        (factories.mp4_bytes, "clip.mp4", "video", "video", "waiting_for_conversion"),
    ],
    ids=["png", "jpeg", "pptx", "docx", "xlsx", "odp", "mp3", "mp4"],
)
def test_each_accepted_format_is_recognised_by_its_content(
    owner, client_for, tmp_path, make, name, kind, document_type, status
):
    # Uploaded under a misleading name: the content decides.
    assert upload(client_for(owner.user), make(tmp_path), "renamed.bin").status_code == 302
    library_file = LibraryFile.objects.get()
    assert (library_file.kind, library_file.document_type, library_file.status) == (kind, document_type, status)
    assert library_file.conversion_progress == (100 if status == "converted" else 0)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"Just some text, nothing like a PDF.\n" * 20, "report.pdf"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 400, "slides.pdf"),
        (factories.plain_zip_bytes(), "deck.pptx"),
        (factories.ooxml_bytes("pptm"), "deck.pptx"),  # macro-enabled: not accepted
        (factories.odf_bytes("application/vnd.oasis.opendocument.graphics"), "drawing.odp"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "image.png"),
    ],
    ids=["text-named-pdf", "exe-named-pdf", "plain-zip", "macro-pptm", "odf-drawing", "svg-named-png"],
)
def test_content_that_is_not_an_accepted_format_is_refused_and_nothing_is_stored(
    owner, client_for, settings, content, name
):
    response = upload(client_for(owner.user), content, name)
    assert response.status_code == 400
    assert "not one of the accepted formats" in response.content.decode()
    assert not LibraryFile.objects.exists() and stored_keys(settings) == []


def test_an_empty_file_is_refused(owner, client_for, settings):
    response = upload(client_for(owner.user), b"", "empty.pdf")
    assert response.status_code == 400 and not LibraryFile.objects.exists()


def test_a_file_over_the_per_file_limit_is_refused(owner, client_for, settings):
    settings.LIBRARY_MAX_FILE_BYTES = 1000
    response = upload(client_for(owner.user), factories.pdf_bytes() + b"\n" * 1000, "big.pdf")
    assert response.status_code == 400
    assert "larger than 1000" in response.content.decode()
    assert not LibraryFile.objects.exists() and stored_keys(settings) == []


def test_going_over_the_plans_storage_is_refused_with_a_clear_reason_and_nothing_stored(
    owner, other_owner, client_for, settings
):
    allowed = storage_limit(owner.account)
    make_library_file(owner, name="almost everything", size=allowed - 10)
    make_library_file(other_owner, name="theirs", size=allowed)  # another account's files do not count
    before = stored_keys(settings)
    response = upload(client_for(owner.user), factories.image_bytes("PNG"), "one more.png")
    assert response.status_code == 400
    page = response.content.decode()
    assert "not enough storage" in page and "10\xa0bytes" in page and "Delete files you no longer need" in page
    assert LibraryFile.objects.count() == 2 and stored_keys(settings) == before
    assert storage_used(owner.account) == allowed - 10


def test_a_file_that_fits_the_quota_exactly_is_accepted(owner, client_for):
    content = factories.image_bytes("PNG")
    make_library_file(owner, size=storage_limit(owner.account) - len(content))
    assert upload(client_for(owner.user), content, "last.png").status_code == 302
    assert storage_used(owner.account) == storage_limit(owner.account)


def test_the_upload_page_answers_json_to_the_progress_script(owner, client_for):
    client = client_for(owner.user)
    headers = {"Accept": "application/json"}
    ok = upload(client, factories.image_bytes("PNG"), "a.png", headers=headers)
    assert ok.status_code == 200 and ok.json()["redirect"] == "/library/"
    assert ok.json()["id"] == LibraryFile.objects.get().pk
    refused = upload(client, b"plain text", "a.png", headers=headers)
    assert refused.status_code == 400
    assert "not one of the accepted formats" in refused.json()["errors"][0]


def test_a_chosen_name_and_room_are_kept_and_a_path_in_the_name_is_dropped(owner, client_for):
    from rostrum.rooms.tests.factories import make_room

    room = make_room(owner)
    client = client_for(owner.user)
    upload(client, factories.pdf_bytes(), "../../etc/passwd\x00.pdf", name="Welcome deck", room=room.pk)
    upload(client, factories.pdf_bytes(), "C:\\Users\\ada\\Desktop\\plan.pdf")
    first, second = LibraryFile.objects.order_by("pk")
    assert (first.name, first.room) == ("Welcome deck", room)
    assert first.original_name == "passwd.pdf"
    assert (second.name, second.room) == ("plan.pdf", None)


def test_the_upload_page_renders_with_the_free_storage(owner, client_for):
    page = client_for(owner.user).get("/library/upload/").content.decode()
    assert 'type="file"' in page and "<progress" in page and "1.0\xa0GB" in page
