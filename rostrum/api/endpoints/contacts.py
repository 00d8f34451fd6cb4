"""The address book (spec §3.8 row 34): ``POST contacts``.

An address already in the book is updated with the fields given (ClickMeeting answers OK either
way), so sending the same contact twice is harmless. Validation is the contact page's ContactForm;
saving is ``check_save_contact``. ``country`` is accepted but not stored: contacts have no country.
"""

from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from rostrum.api import params
from rostrum.api.errors import ApiError
from rostrum.api.views import ApiView, cm_path, require_api_permission
from rostrum.contacts.access import PERMISSION
from rostrum.contacts.actions import check_save_contact, normalize_email
from rostrum.contacts.errors import ContactsError
from rostrum.contacts.forms import ContactForm
from rostrum.contacts.models import Contact

# API parameter → ContactForm field
FIELDS = {"firstname": "first_name", "lastname": "last_name", "email": "email", "phone": "phone", "company": "company"}
FORM_TO_API = {form_name: api_name for api_name, form_name in FIELDS.items()}


def _form(membership, given: dict) -> ContactForm:
    account = membership.account
    existing = Contact.objects.filter(account=account, email=normalize_email(given.get("email", ""))).first()
    data = {"first_name": "", "last_name": "", "email": "", "company": "", "phone": "", "language": "", "lists": []}
    if existing:
        data.update({name: getattr(existing, name) for name in ("first_name", "last_name", "company", "phone")})
        data.update(language=existing.language, lists=list(existing.lists.values_list("pk", flat=True)))
    data.update(given)
    return ContactForm(data, instance=existing, account=account)


class ContactsView(ApiView):
    @extend_schema(
        tags=["Contacts"],
        summary="Add a contact to the address book (or update the one with this e-mail)",
        request=inline_serializer(
            "ContactQuery",
            {
                "email": serializers.EmailField(),
                "firstname": serializers.CharField(required=False),
                "lastname": serializers.CharField(required=False),
                "phone": serializers.CharField(required=False),
                "company": serializers.CharField(required=False),
                "country": serializers.CharField(required=False, help_text="Accepted, not stored."),
            },
        ),
        responses=inline_serializer("ContactSaved", {"status": serializers.CharField(default="OK")}),
    )
    def post(self, request):
        membership = require_api_permission(request, PERMISSION)
        given = {}
        for api_name, form_name in FIELDS.items():
            value = params.as_str(request.cm_params.get(api_name), api_name)
            if value is not None:
                given[form_name] = value
        for _attempt in range(2):  # a second time if someone saved the same address in between
            form = _form(membership, given)
            if not form.is_valid():
                errors = [
                    (FORM_TO_API.get(name, name), str(m)) for name, messages in form.errors.items() for m in messages
                ]
                raise ApiError(422, errors[0][1], errors)
            try:
                with transaction.atomic():
                    check_save_contact(membership, form)
                break
            except ContactsError as error:
                if error.code != "duplicate_email" or _attempt:
                    raise ApiError.invalid("email", error.message) from None
        return Response({"status": "OK"})


urlpatterns = [cm_path(r"contacts", ContactsView, name="api_contacts")]
