"""The library pages: list and storage meter, rename, attach, delete, download, help, and who may do what."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import add_member
from rostrum.accounts.constants import Role
from rostrum.core.testing.asgi import SYNC_FALLBACK, get_through_asgi
from rostrum.library.models import LibraryFile
from rostrum.library.tests import factories
from rostrum.library.tests.factories import make_library_file, upload
from rostrum.rooms.tests.factories import make_room

pytestmark = pytest.mark.django_db


def test_the_list_shows_files_the_storage_meter_and_filters_by_kind(owner, other_owner, client_for):
    client = client_for(owner.user)
    upload(client, factories.pdf_bytes(), "Deck.pdf")
    upload(client, factories.image_bytes("PNG"), "Logo.png")
    make_library_file(other_owner, name="Their secret plan")
    failed = make_library_file(owner, name="Broken.pptx", status="failed", status_message="The file is damaged.")
    make_library_file(owner, name="Odd.docx", status="failed")
    page = client.get("/library/").content.decode()
    assert "Deck.pdf" in page and "Logo.png" in page and "Their secret plan" not in page
    assert "Waiting for conversion" in page and "Ready" in page
    assert "Cannot be used" in page and "The file is damaged." in page
    assert "The file could not be converted." in page  # the reason when none was recorded
    used = sum(LibraryFile.objects.filter(account=owner.account).values_list("size", flat=True))
    assert f'<meter id="storage-meter" aria-labelledby="storage-heading" min="0" max="{1024**3}" value="{used}"' in page
    assert "of 1.0\xa0GB used" in page
    images = client.get("/library/?kind=image").content.decode()
    assert "Logo.png" in images and "Deck.pdf" not in images and failed.name not in images
    assert "No files of this type." in client.get("/library/?kind=video").content.decode()


def test_an_empty_library_says_so_and_offers_an_upload(owner, client_for):
    page = client_for(owner.user).get("/library/").content.decode()
    assert "The library is empty." in page and 'href="/library/upload/"' in page


def test_the_main_navigation_links_files_for_organisers_only(owner, client_for):
    analyst = add_member(owner, "analyst@acme.example", Role.ANALYST)
    assert 'href="/library/">Files<' in client_for(owner.user).get("/dashboard/").content.decode()
    assert 'href="/library/">Files<' not in client_for(analyst.user).get("/dashboard/").content.decode()


def test_rename_changes_the_display_name_only(owner, client_for):
    library_file = make_library_file(owner, name="old.pdf")
    key = library_file.file.name
    client = client_for(owner.user)
    assert client.post(f"/library/{library_file.pk}/rename/", {"name": "  "}).status_code == 400
    response = client.post(f"/library/{library_file.pk}/rename/", {"name": "  Board meeting deck "})
    assert response.status_code == 302
    library_file.refresh_from_db()
    assert (library_file.name, library_file.file.name) == ("Board meeting deck", key)


def test_delete_asks_first_then_removes_the_row_and_the_bytes_after_commit(owner, client_for, committed):
    library_file = make_library_file(owner)
    storage, key = library_file.file.storage, library_file.file.name
    client = client_for(owner.user)
    confirm = client.get(f"/library/{library_file.pk}/delete/").content.decode()
    assert "cannot be undone" in confirm and storage.exists(key)
    with committed():
        assert client.post(f"/library/{library_file.pk}/delete/").status_code == 302
    assert not LibraryFile.objects.exists()
    assert not storage.exists(key)


def test_attach_to_one_of_the_accounts_rooms_and_not_to_anothers(owner, other_owner, client_for):
    library_file = make_library_file(owner)
    room, their_room = make_room(owner), make_room(other_owner)
    client = client_for(owner.user)
    assert client.post(f"/library/{library_file.pk}/room/", {"room": their_room.pk}).status_code == 400
    assert client.post(f"/library/{library_file.pk}/room/", {"room": room.pk}).status_code == 302
    library_file.refresh_from_db()
    assert library_file.room == room and list(room.library_files.all()) == [library_file]
    client.post(f"/library/{library_file.pk}/room/", {"room": ""})
    library_file.refresh_from_db()
    assert library_file.room is None


def test_download_streams_the_bytes_with_a_safe_name_and_no_sniffing(owner, client_for):
    content = factories.pdf_bytes()
    library_file = make_library_file(owner, name='Q3 "final"\r\nX-Evil: 1', content=content)
    response = client_for(owner.user).get(f"/library/{library_file.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "\n" not in disposition and "\r" not in disposition
    assert "X-Evil" not in response.headers
    assert ".pdf" in disposition


def test_under_asgi_the_download_streams_asynchronously_with_the_same_headers(owner, client_for):
    content = factories.pdf_bytes()
    library_file = make_library_file(owner, name="Q3 report", content=content)
    url = f"/library/{library_file.pk}/download/"
    response, body, messages = get_through_asgi(url, owner.user)
    assert response.status_code == 200 and response.is_async and body == content
    assert not [m for m in messages if SYNC_FALLBACK in m]
    wsgi = client_for(owner.user).get(url)
    assert dict(response.items()) == dict(wsgi.items())


def test_an_analyst_can_view_and_download_but_not_change(owner, client_for, committed):
    library_file = make_library_file(owner, name="deck.pdf")
    analyst = client_for(add_member(owner, "analyst@acme.example", Role.ANALYST).user)
    page = analyst.get("/library/").content.decode()
    assert "deck.pdf" in page and "/rename/" not in page and "/delete/" not in page
    assert analyst.get(f"/library/{library_file.pk}/download/").status_code == 200
    assert analyst.get("/library/upload/").status_code == 403
    with committed():
        assert upload(analyst, factories.pdf_bytes(), "mine.pdf").status_code == 403
        assert analyst.post(f"/library/{library_file.pk}/delete/").status_code == 403
        assert analyst.post(f"/library/{library_file.pk}/rename/", {"name": "x"}).status_code == 403
    library_file.refresh_from_db()
    assert LibraryFile.objects.count() == 1 and library_file.name == "deck.pdf"
    assert library_file.file.storage.exists(library_file.file.name)


def test_another_accounts_file_answers_404_everywhere(owner, other_owner, client_for, committed):
    theirs = make_library_file(other_owner, name="theirs.pdf")
    intruder = client_for(owner.user)
    with committed():
        for action in ("download", "rename", "room", "delete"):
            assert intruder.get(f"/library/{theirs.pk}/{action}/").status_code == 404
            if action != "download":
                assert intruder.post(f"/library/{theirs.pk}/{action}/", {"name": "mine"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "theirs.pdf" and theirs.file.storage.exists(theirs.file.name)


def test_anonymous_visitors_are_sent_to_log_in(client, owner):
    library_file = make_library_file(owner)
    for path in ("/library/", "/library/upload/", f"/library/{library_file.pk}/download/"):
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_stored_bytes_are_not_served_under_media(owner, client, client_for, settings):
    library_file = make_library_file(owner)
    key = library_file.file.name
    assert (settings.PRIVATE_ROOT / key).exists() and not (settings.MEDIA_ROOT / key).exists()
    for path in (f"/media/{key}", f"/media/../private/{key}", f"/media/%2e%2e/private/{key}"):
        assert client.get(path).status_code in (400, 404)  # 400: the traversal is refused as suspicious
        assert client_for(owner.user).get(path).status_code in (400, 404)


def test_the_help_page_lists_the_accepted_formats_and_the_limit(client, settings):
    settings.LIBRARY_MAX_FILE_BYTES = 500 * 1024 * 1024
    page = client.get(reverse("library_help")).content.decode()
    for expected in (".pdf", ".pptx", ".odp", ".docx", ".xlsx", ".png", ".mp4", ".mov", ".webm", ".mp3", ".wav"):
        assert expected in page
    assert "500.0\xa0MB" in page and "not by its name" in page


def test_the_list_costs_the_same_queries_for_many_files(owner, client_for):
    client = client_for(owner.user)
    room = make_room(owner)
    make_library_file(owner, room=room)
    client.get("/library/")  # warm the session and caches
    with CaptureQueriesContext(connection) as one_file:
        client.get("/library/")
    for n in range(5):
        make_library_file(owner, name=f"deck {n}.pdf", room=room)
    with CaptureQueriesContext(connection) as six_files:
        client.get("/library/")
    assert len(six_files.captured_queries) == len(one_file.captured_queries) <= 8
