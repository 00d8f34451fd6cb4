"""The address book's pages: contacts, lists, export. Views parse and delegate to actions."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rostrum.accounts.decorators import account_permission_required
from rostrum.contacts import actions
from rostrum.contacts.access import PERMISSION, access_contact_by_id, access_list_by_id, contacts_of, lists_of
from rostrum.contacts.constants import CONTACTS_PER_PAGE
from rostrum.contacts.errors import ContactsError
from rostrum.contacts.exports import build_contacts_csv
from rostrum.contacts.forms import BulkActionForm, ContactFilterForm, ContactForm, ListNameForm


def _filtered(membership, form):
    contacts = actions.annotate_unsubscribed(contacts_of(membership))
    if form.is_valid():
        if query := form.cleaned_data["q"].strip():
            contacts = contacts.filter(
                Q(first_name__icontains=query)
                | Q(last_name__icontains=query)
                | Q(email__icontains=query)
                | Q(company__icontains=query)
            )
        if form.cleaned_data["list"]:
            contacts = contacts.filter(lists=form.cleaned_data["list"])
    return contacts


@account_permission_required(PERMISSION)
def contact_list(request):
    account = request.membership.account
    filters = ContactFilterForm(request.GET or None, account=account)
    contacts = _filtered(request.membership, filters).prefetch_related("lists")
    page = Paginator(contacts, CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "bulk_form": BulkActionForm(account=account),
        "has_contacts": contacts_of(request.membership).exists(),
    }
    return render(request, "contacts/contact_list.html", context)


@require_POST
@account_permission_required(PERMISSION)
def contact_bulk(request):
    form = BulkActionForm(request.POST, account=request.membership.account)
    ids = form.selected_ids()
    if not ids:
        messages.error(request, _("Select at least one contact."))
    elif not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    else:
        action, target = form.cleaned_data["action"], form.cleaned_data["target"]
        if action == "add":
            count = actions.check_add_to_list(request.membership, target, ids)
            messages.success(request, _("%(count)d contacts added to “%(list)s”.") % {"count": count, "list": target})
        elif action == "remove":
            count = actions.check_remove_from_list(request.membership, target, ids)
            text = _("%(count)d contacts removed from “%(list)s”.") % {"count": count, "list": target}
            messages.success(request, text)
        else:
            count = actions.check_delete_contacts(request.membership, ids)
            messages.success(request, _("%(count)d contacts deleted.") % {"count": count})
    return redirect(request.POST.get("next") if _is_local(request.POST.get("next")) else "contact_list")


def _is_local(url: str | None) -> bool:
    return bool(url) and url.startswith("/contacts/") and "//" not in url


def _contact_form(request, contact=None):
    form = ContactForm(request.POST or None, instance=contact, account=request.membership.account)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.check_save_contact(request.membership, form)
        except ContactsError as error:
            form.add_error("email", error.message)
        else:
            messages.success(request, _("Contact %(name)s saved.") % {"name": saved})
            return redirect("contact_list")
    context = {"form": form, "contact": contact}
    return render(request, "contacts/contact_form.html", context, status=400 if form.errors else 200)


@account_permission_required(PERMISSION)
def contact_create(request):
    return _contact_form(request)


@account_permission_required(PERMISSION)
def contact_edit(request, contact_id: int):
    return _contact_form(request, access_contact_by_id(request.membership, contact_id))


@account_permission_required(PERMISSION)
def contact_delete(request, contact_id: int):
    contact = access_contact_by_id(request.membership, contact_id)
    if request.method == "POST":
        actions.check_delete_contacts(request.membership, [contact.pk])
        messages.success(request, _("Contact %(name)s deleted.") % {"name": contact})
        return redirect("contact_list")
    return render(request, "contacts/confirm_delete.html", {"object": contact, "cancel_url": "contact_list"})


@account_permission_required(PERMISSION)
def list_index(request):
    form = ListNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.check_create_list(request.membership, form.cleaned_data["name"])
        except ContactsError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, _("List “%(name)s” created.") % {"name": created})
            return redirect("contact_lists")
    lists = lists_of(request.membership).annotate(size=Count("contacts"))
    context = {"form": form, "lists": lists}
    return render(request, "contacts/lists.html", context, status=400 if form.errors else 200)


@account_permission_required(PERMISSION)
def list_edit(request, list_id: int):
    contact_list = access_list_by_id(request.membership, list_id)
    form = ListNameForm(request.POST or None, initial={"name": contact_list.name})
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_rename_list(request.membership, contact_list, form.cleaned_data["name"])
        except ContactsError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, _("List renamed."))
            return redirect("contact_lists")
    context = {"form": form, "contact_list": contact_list}
    return render(request, "contacts/list_form.html", context, status=400 if form.errors else 200)


@account_permission_required(PERMISSION)
def list_delete(request, list_id: int):
    contact_list = access_list_by_id(request.membership, list_id)
    if request.method == "POST":
        actions.check_delete_list(request.membership, contact_list)
        messages.success(request, _("List “%(name)s” deleted; its contacts stay.") % {"name": contact_list})
        return redirect("contact_lists")
    return render(request, "contacts/confirm_delete.html", {"object": contact_list, "cancel_url": "contact_lists"})


@account_permission_required(PERMISSION)
def contact_export(request):
    contacts = actions.annotate_unsubscribed(contacts_of(request.membership)).order_by("email")
    filename = "contacts.csv"
    if list_id := request.GET.get("list"):
        if not list_id.isdigit():
            return redirect("contact_list")
        contact_list = access_list_by_id(request.membership, int(list_id))
        contacts, filename = contacts.filter(lists=contact_list), f"contacts-list-{contact_list.pk}.csv"
    response = StreamingHttpResponse(build_contacts_csv(contacts), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
