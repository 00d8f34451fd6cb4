import pytest

from conftest import make_user
from rostrum.privacy.registry import erase_user_data, export_user_data
from rostrum.registration.models import Registrant, RegistrantMessage
from rostrum.registration.tests.factories import make_registration_room, register

pytestmark = pytest.mark.django_db


def test_a_persons_registrations_are_exported_and_erased_by_email(owner):
    room = make_registration_room(owner)
    register(room, email="ada@example.com")
    register(room, email="bob@example.com")
    ada = make_user("Ada@Example.com")
    exported = export_user_data(ada)
    assert [r["email"] for r in exported["registration.Registrant"]] == ["ada@example.com"]
    assert exported["registration.Registrant"][0]["timezone"] == "Europe/Warsaw"
    assert [m["kind"] for m in exported["registration.RegistrantMessage"]] == ["confirmation"]
    erase_user_data(ada)
    assert list(Registrant.objects.values_list("email", flat=True)) == ["bob@example.com"]
    assert RegistrantMessage.objects.filter(registrant__email="bob@example.com").count() == 1
