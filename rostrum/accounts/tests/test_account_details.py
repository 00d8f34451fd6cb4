"""The owner edits the account's details; the image is checked by content and size."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conftest import add_member
from rostrum.accounts.constants import ACCOUNT_IMAGE_MAX_BYTES, Role
from rostrum.core.models import AuditEntry

DETAILS = {
    "name": "Acme Academy",
    "business_name": "Acme Sp. z o.o.",
    "address": "ul. Długa 1",
    "city": "Gdańsk",
    "postal_code": "80-001",
    "country": "PL",
    "email": "office@acme.example",
    "phone": "+48 58 123 45 67",
    "tax_id": "PL5860000000",
    "timezone": "Europe/Warsaw",
    "profile_is_public": "on",
}


def png_bytes(size=(64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.django_db
def test_owner_edits_details_and_uploads_an_image(client_for, owner):
    image = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    response = client_for(owner.user).post("/account/", {**DETAILS, "image": image})
    assert response.status_code == 302
    account = owner.account
    account.refresh_from_db()
    assert (account.name, account.city, account.tax_id, account.timezone) == (
        "Acme Academy",
        "Gdańsk",
        "PL5860000000",
        "Europe/Warsaw",
    )
    assert account.image.name.startswith("accounts/images/")
    with Image.open(account.image.path) as stored:
        assert stored.size == (64, 64)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<?php echo 'not an image'; ?>", "not an image we can read"),
        (b"GIF89a" + b"\x00" * 20, "not an image we can read"),
        (png_bytes() + b"\x00" * ACCOUNT_IMAGE_MAX_BYTES, "too large"),
        (png_bytes((5000, 10)), "too large"),
    ],
)
def test_bad_images_are_refused_and_nothing_else_is_saved(client_for, owner, content, message):
    image = SimpleUploadedFile("logo.png", content, content_type="image/png")
    response = client_for(owner.user).post("/account/", {**DETAILS, "image": image})
    assert response.status_code == 200
    assert message in response.content.decode()
    owner.account.refresh_from_db()
    assert owner.account.name == "Acme Training"  # the whole form is refused, not half-saved
    assert not owner.account.image


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [({"country": "ZZ"}, "country"), ({"phone": "call me maybe"}, "phone"), ({"timezone": "Nowhere"}, "timezone")],
)
def test_bad_details_are_refused_with_a_message(client_for, owner, change, field):
    response = client_for(owner.user).post("/account/", {**DETAILS, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    owner.account.refresh_from_db()
    assert owner.account.name == "Acme Training"


@pytest.mark.django_db
def test_hiding_the_public_profile_is_audited_and_hides_the_page(client_for, client, owner):
    assert client.get(f"/p/{owner.account.slug}/").status_code == 200
    response = client_for(owner.user).post("/account/", {**DETAILS, "profile_is_public": ""})
    assert response.status_code == 302
    assert client.get(f"/p/{owner.account.slug}/").status_code == 404
    assert AuditEntry.objects.filter(code="accounts.account.profile_visibility_changed").exists()


@pytest.mark.django_db
def test_only_owner_and_admin_edit_account_details(client_for, owner):
    for role in (Role.HOST, Role.ANALYST):
        member = add_member(owner, f"{role}@acme.example", role)
        assert client_for(member.user).post("/account/", DETAILS).status_code == 403
    owner.account.refresh_from_db()
    assert owner.account.name == "Acme Training"
    admin = add_member(owner, "admin@acme.example", Role.ADMIN)
    assert client_for(admin.user).post("/account/", DETAILS).status_code == 302


@pytest.mark.django_db
def test_a_replaced_or_cleared_image_leaves_no_file_behind(client_for, owner, committed):
    client = client_for(owner.user)
    paths = []
    for _ in range(2):
        with committed():
            image = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
            assert client.post("/account/", {**DETAILS, "image": image}).status_code == 302
        owner.account.refresh_from_db()
        paths.append(Path(owner.account.image.path))
    first, second = paths
    assert first != second and not first.exists() and second.exists()
    with committed():
        assert client.post("/account/", {**DETAILS, "image-clear": "on"}).status_code == 302
    owner.account.refresh_from_db()
    assert not owner.account.image and not second.exists()
