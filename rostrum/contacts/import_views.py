"""CSV import pages: upload, preview with column mapping, progress (polled as JSON), result."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rostrum.accounts.decorators import account_permission_required
from rostrum.contacts import imports
from rostrum.contacts.access import PERMISSION, access_import_by_id
from rostrum.contacts.constants import Column, ImportStatus
from rostrum.contacts.errors import ContactsError
from rostrum.contacts.forms import ImportMappingForm, ImportUploadForm
from rostrum.contacts.models import ContactImport
from rostrum.core.streaming import file_response


@account_permission_required(PERMISSION)
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact_import = imports.check_upload_import(request.membership, form.cleaned_data["file"])
        except ContactsError as error:
            form.add_error("file", error.message)
        else:
            return redirect("contact_import_preview", import_id=contact_import.pk)
    recent = ContactImport.objects.filter(account=request.membership.account)[:10]
    context = {"form": form, "recent": recent}
    return render(request, "contacts/import_upload.html", context, status=400 if form.errors else 200)


def _mapping_form(request, contact_import, titles):
    initial = {f"column_{i}": column for i, column in enumerate(contact_import.mapping)}
    initial |= {"has_header": contact_import.has_header, "policy": contact_import.duplicate_policy}
    return ImportMappingForm(request.POST or None, initial=initial, account=request.membership.account, titles=titles)


@account_permission_required(PERMISSION)
def import_preview(request, import_id: int):
    contact_import = access_import_by_id(request.membership, import_id)
    if contact_import.status != ImportStatus.UPLOADED:
        return redirect("contact_import_progress", import_id=contact_import.pk)
    if not contact_import.file or not contact_import.file.storage.exists(contact_import.file.name):
        messages.error(request, _("The uploaded file is no longer here. Upload it again."))
        return redirect("contact_import")
    preview = imports.build_preview(contact_import)
    form = _mapping_form(request, contact_import, preview["titles"])
    if request.method == "POST" and form.is_valid():
        try:
            imports.check_start_import(
                request.membership,
                contact_import,
                mapping=form.mapping(),
                has_header=form.cleaned_data["has_header"],
                policy=form.cleaned_data["policy"],
                target_list=form.cleaned_data["target_list"],
            )
        except ContactsError as error:
            form.add_error(None, error.message)
        else:
            return redirect("contact_import_progress", import_id=contact_import.pk)
    context = {
        "contact_import": contact_import,
        "preview": preview,
        "form": form,
        "has_email_column": Column.EMAIL in contact_import.mapping,
    }
    return render(request, "contacts/import_preview.html", context, status=400 if form.errors else 200)


def build_progress(contact_import: ContactImport) -> dict:
    return {
        "status": contact_import.status,
        "status_label": contact_import.get_status_display(),
        "is_finished": contact_import.is_finished,
        "total": contact_import.total_rows,
        "processed": contact_import.processed_rows,
        "percent": contact_import.percent,
        "imported": contact_import.imported_count,
        "updated": contact_import.updated_count,
        "skipped": contact_import.skipped_count,
        "errors": contact_import.error_count,
    }


@account_permission_required(PERMISSION)
def import_progress(request, import_id: int):
    contact_import = access_import_by_id(request.membership, import_id)
    if contact_import.status == ImportStatus.UPLOADED:
        return redirect("contact_import_preview", import_id=contact_import.pk)
    context = {
        "contact_import": contact_import,
        "progress": build_progress(contact_import),
        "status_url": reverse("contact_import_status", args=[contact_import.pk]),
    }
    return render(request, "contacts/import_progress.html", context)


@account_permission_required(PERMISSION)
def import_status(request, import_id: int):
    return JsonResponse(build_progress(access_import_by_id(request.membership, import_id)))


@account_permission_required(PERMISSION)
def import_error_report(request, import_id: int):
    contact_import = access_import_by_id(request.membership, import_id)
    if not contact_import.error_report:
        raise Http404
    return file_response(
        request,
        contact_import.error_report.open("rb"),
        as_attachment=True,
        filename=f"import-{contact_import.pk}-errors.csv",
        content_type="text/csv; charset=utf-8",
    )


@require_POST
@account_permission_required(PERMISSION)
def import_delete(request, import_id: int):
    contact_import = access_import_by_id(request.membership, import_id)
    try:
        imports.check_delete_import(request.membership, contact_import)
    except ContactsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Import removed. The contacts it brought in stay."))
    return redirect("contact_import")
