"""Eight languages; the choice is remembered (cookie for visitors, profile for users)."""

import pytest
from django.conf import settings

from rostrum.accounts.models import User


def test_eight_languages_are_offered():
    assert [code for code, _name in settings.LANGUAGES] == ["en", "pl", "de", "ru", "es", "fr", "it", "pt-br"]


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "word"), [("pl", "Dołącz"), ("de", "Beitreten"), ("fr", "Rejoindre")])
def test_visitor_language_choice_is_remembered_in_a_cookie(client, code, word):
    response = client.post("/i18n/setlang/", {"language": code, "next": "/join/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == code
    page = client.get("/join/")
    assert page["Content-Language"] == code
    assert f'<html lang="{code}">' in page.content.decode()
    assert word in page.content.decode()


@pytest.mark.django_db
def test_logged_in_users_language_follows_them_to_a_new_browser(client_for, owner):
    first = client_for(owner.user)
    first.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert User.objects.get(pk=owner.user.pk).language == "de"
    elsewhere = client_for(owner.user)  # no cookie
    assert elsewhere.get("/rooms/")["Content-Language"] == "de"


@pytest.mark.django_db
def test_unknown_language_is_ignored(client_for, owner):
    c = client_for(owner.user)
    c.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert User.objects.get(pk=owner.user.pk).language == ""
    assert c.get("/rooms/")["Content-Language"] == "en"
