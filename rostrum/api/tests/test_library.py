"""The file library through the API (spec §3.6): upload, list, one file, bytes, delete, refusals."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rostrum.api.tests.conftest import error_shape
from rostrum.library.models import LibraryFile
from rostrum.library.quota import storage_limit
from rostrum.library.tests import factories
from rostrum.library.tests.factories import make_library_file
from rostrum.rooms.tests.factories import make_room

pytestmark = pytest.mark.django_db

FILE_KEYS = {"id", "name", "document_type", "conversion_progress", "upload_date", "status", "status_message", "url"}


def upload(api, content: bytes, name: str, path: str = "file-library"):
    return api.post(f"/api/v1/{path}.json", {"uploaded": SimpleUploadedFile(name, content)})


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_upload_answers_the_file_object_and_the_url_downloads_the_same_bytes(api):
    content = factories.pdf_bytes()
    response = upload(api, content, "pdf-5.pdf")
    assert response.status_code == 201
    shape = response.json()
    assert set(shape) == FILE_KEYS
    stored = LibraryFile.objects.get()
    assert shape["id"] == stored.pk and shape["name"] == "pdf-5.pdf"
    assert (shape["document_type"], shape["status"], shape["conversion_progress"]) == (
        "presentation_pdf",
        "waiting_for_conversion",
        0,
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", shape["upload_date"])
    assert shape["url"] == f"http://localhost:8000/api/v1/file-library/{stored.pk}/download"
    download = api.get(f"/api/v1/file-library/{stored.pk}/download")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert body_of(download) == content
    assert api.get(f"/api/v1/file-library/{stored.pk}.json").json() == shape
    assert api.get("/api/v1/file-library.json").json() == [shape]


def test_an_image_is_ready_at_once(api):
    shape = upload(api, factories.image_bytes("PNG"), "logo.png").json()
    assert (shape["document_type"], shape["status"], shape["conversion_progress"]) == ("image", "converted", 100)


def test_room_files_carry_created_at_and_only_the_rooms(api, business_owner):
    room = make_room(business_owner)
    upload(api, factories.image_bytes("PNG"), "elsewhere.png")
    response = upload(api, factories.pdf_bytes(), "deck.pdf", f"file-library/conferences/{room.pk}")
    assert response.status_code == 201
    shape = response.json()
    assert set(shape) == FILE_KEYS | {"created_at"}
    assert LibraryFile.objects.get(pk=shape["id"]).room == room
    listed = api.get(f"/api/v1/file-library/conferences/{room.pk}.json").json()
    assert [f["name"] for f in listed] == ["deck.pdf"]
    assert listed[0]["created_at"].startswith(shape["upload_date"][:10])


def test_delete_answers_ok_and_the_file_is_gone(api, django_capture_on_commit_callbacks):
    file_id = upload(api, factories.image_bytes("PNG"), "logo.png").json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"/api/v1/file-library/{file_id}.json")
    assert response.status_code == 200 and response.json() == {"result": "OK"}
    assert not LibraryFile.objects.exists()
    error_shape(api.get(f"/api/v1/file-library/{file_id}/download"), 404)


def test_refusals_are_422_with_the_librarys_message(api, business_owner):
    body = error_shape(api.post("/api/v1/file-library.json", {"name": "no file"}), 422)
    assert body["errors"][0]["name"] == "uploaded"
    body = error_shape(upload(api, b"plain text, not a PDF", "fake.pdf"), 422)
    assert "not one of the accepted formats" in body["message"]
    make_library_file(business_owner, size=storage_limit(business_owner.account) - 10)
    body = error_shape(upload(api, factories.image_bytes("PNG"), "one more.png"), 422)
    assert "not enough storage" in body["message"] and body["errors"][0]["name"] == "uploaded"
    assert LibraryFile.objects.count() == 1


def test_another_accounts_files_and_rooms_are_404(api, other_owner):
    theirs = make_library_file(other_owner)
    room = make_room(other_owner)
    error_shape(api.get(f"/api/v1/file-library/{theirs.pk}"), 404)
    error_shape(api.get(f"/api/v1/file-library/{theirs.pk}/download"), 404)
    error_shape(api.delete(f"/api/v1/file-library/{theirs.pk}"), 404)
    error_shape(api.get(f"/api/v1/file-library/conferences/{room.pk}"), 404)
    error_shape(upload(api, factories.image_bytes("PNG"), "x.png", f"file-library/conferences/{room.pk}"), 404)
    assert api.get("/api/v1/file-library").json() == []
    assert LibraryFile.objects.count() == 1


def test_the_answers_match_the_published_description(api, business_owner):
    from rostrum.api.tests.test_sessions import conforms

    room = make_room(business_owner)
    created = upload(api, factories.pdf_bytes(), "deck.pdf")
    conforms(created, "/api/v1/file-library", "POST")
    file_id = created.json()["id"]
    conforms(
        upload(api, factories.image_bytes("PNG"), "a.png", f"file-library/conferences/{room.pk}"),
        "/api/v1/file-library/conferences/{room_id}",
        "POST",
    )
    conforms(api.get("/api/v1/file-library"), "/api/v1/file-library")
    conforms(api.get(f"/api/v1/file-library/conferences/{room.pk}"), "/api/v1/file-library/conferences/{room_id}")
    conforms(api.get(f"/api/v1/file-library/{file_id}"), "/api/v1/file-library/{file_id}")
    conforms(api.get(f"/api/v1/file-library/{file_id}/download"), "/api/v1/file-library/{file_id}/download")
    conforms(api.delete(f"/api/v1/file-library/{file_id}"), "/api/v1/file-library/{file_id}", "DELETE")
