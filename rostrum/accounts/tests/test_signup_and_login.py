"""Sign-up, e-mail confirmation, login, password reset and two-factor login, through HTTP."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core import mail
from django.core.cache import cache

from conftest import PASSWORD, make_owner
from rostrum.accounts.constants import Role
from rostrum.accounts.models import Account, FreeAccountClaim, User
from rostrum.core.models import AuditEntry

SIGNUP = {
    "email": "ada@lovelace.example",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "first_name": "Ada",
    "last_name": "Lovelace",
    "business_name": "Analytical Engines Ltd",
    "country": "GB",
    "timezone": "Europe/London",
    "is_adult": "on",
    "is_business": "on",
}


def confirmation_link(message) -> str:
    return re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s/]+/", message.body).group(0)


@pytest.mark.django_db
def test_sign_up_creates_account_and_owner_after_email_confirmation(client, settings, committed):
    settings.PASSWORD_HASHERS = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]
    with committed():
        response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="ada@lovelace.example")
    assert user.password.startswith("argon2$")
    assert (user.first_name, user.last_name, user.timezone) == ("Ada", "Lovelace", "Europe/London")
    account = Account.objects.get(memberships__user=user)
    assert account.name == "Analytical Engines Ltd"
    assert account.country.code == "GB"
    assert account.memberships.get().role == Role.OWNER
    assert account.trial_ends_at is not None
    assert FreeAccountClaim.objects.count() == 1

    # Not logged in until the address is confirmed.
    assert client.get("/dashboard/").status_code == 302
    assert len(mail.outbox) == 1
    link = confirmation_link(mail.outbox[0])
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.post("/" + path).status_code == 302
    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 200
    assert "Analytical Engines Ltd" in dashboard.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"is_adult": ""}, "is_adult"),
        ({"is_business": ""}, "is_business"),
        ({"country": "XX"}, "country"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"email": "not-an-address"}, "email"),
        ({"password2": "something else entirely"}, "password2"),
    ],
)
def test_sign_up_with_bad_input_explains_and_saves_nothing(client, change, field, committed):
    with committed():
        response = client.post("/accounts/signup/", {**SIGNUP, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.exists()
    assert not Account.objects.exists()
    assert not mail.outbox


@pytest.mark.django_db
def test_sign_up_needs_a_personal_or_business_name(client):
    response = client.post("/accounts/signup/", {**SIGNUP, "first_name": "", "business_name": ""})
    assert response.status_code == 200
    assert "first and last name, or your business name" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_only_one_free_account_per_person(client):
    first = make_owner("ada@gmail.com", "First")
    first.user.delete()  # the person and the account are gone, the claim stays
    first.account.delete()
    for email in ("ada@gmail.com", "a.d.a+webinars@gmail.com", "ADA@googlemail.com"):
        response = client.post("/accounts/signup/", {**SIGNUP, "email": email})
        assert response.status_code == 200, email
        assert "A free account was already created" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_login_and_logout_are_audited(client, owner):
    response = client.post("/accounts/login/", {"login": owner.user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/dashboard/").status_code == 302
    assert AuditEntry.objects.filter(code="accounts.user.logged_in", actor=owner.user).count() == 1


@pytest.mark.django_db
def test_failed_logins_are_rate_limited(client, owner):
    statuses = [
        client.post("/accounts/login/", {"login": owner.user.email, "password": f"wrong {n}"}).status_code
        for n in range(7)
    ]
    assert AuditEntry.objects.filter(code="accounts.user.login_failed").count() >= 5
    # Even the right password is refused while the limit holds.
    response = client.post("/accounts/login/", {"login": owner.user.email, "password": PASSWORD})
    assert response.status_code == 429 or "Too many" in response.content.decode()
    assert client.get("/dashboard/").status_code == 302
    assert statuses[0] == 200


@pytest.mark.django_db
def test_forgotten_password_is_reset_through_the_emailed_link(client, owner, committed):
    with committed():
        client.post("/accounts/password/reset/", {"email": owner.user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new_password = "a brand new passphrase 77"
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    owner.user.refresh_from_db()
    assert owner.user.check_password(new_password)


def current_totp(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


@pytest.mark.django_db
def test_totp_two_factor_is_asked_at_login_once_enabled(client, owner):
    client.post("/accounts/login/", {"login": owner.user.email, "password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/", follow=True)
    if page.redirect_chain:  # sensitive settings ask for the password again
        client.post(page.redirect_chain[-1][0], {"password": PASSWORD})
        page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": current_totp(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=owner.user, type=Authenticator.Type.TOTP).exists()
    client.post("/accounts/logout/")
    cache.clear()  # a TOTP code may be used once; the next login needs a fresh one

    response = client.post("/accounts/login/", {"login": owner.user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "/accounts/2fa/authenticate/" in response["Location"]
    assert client.get("/dashboard/").status_code == 302  # not logged in without the code
    assert client.post("/accounts/2fa/authenticate/", {"code": "000000"}).status_code == 200
    response = client.post("/accounts/2fa/authenticate/", {"code": current_totp(secret)})
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200
