"""File library pages: list with the storage meter, upload, rename, attach, delete, download, help."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rostrum.accounts.access import has_permission
from rostrum.accounts.decorators import account_permission_required
from rostrum.library import actions
from rostrum.library.access import access_file_by_id, files_of
from rostrum.library.constants import FORMATS, MANAGE_PERMISSION, VIEW_PERMISSION, FileKind, FileStatus
from rostrum.library.downloads import file_response, stored_file_response
from rostrum.library.errors import LibraryError
from rostrum.library.forms import AttachForm, KindFilterForm, RenameForm, UploadForm
from rostrum.library.quota import build_storage_usage


@account_permission_required(VIEW_PERMISSION)
def library_list(request):
    membership = request.membership
    filter_form = KindFilterForm(request.GET or None)
    kind = filter_form.cleaned_data["kind"] if filter_form.is_valid() else ""
    files = files_of(membership).select_related("room")
    if kind:
        files = files.filter(kind=kind)
    context = {
        "files": files,
        "filter_form": filter_form,
        "kind": kind,
        "usage": build_storage_usage(membership.account),
        "can_manage": has_permission(membership, MANAGE_PERMISSION),
    }
    return render(request, "library/file_list.html", context)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@account_permission_required(MANAGE_PERMISSION)
def library_upload(request):
    account = request.membership.account
    form = UploadForm(request.POST or None, request.FILES or None, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            library_file = actions.check_upload_file(
                request.membership,
                form.cleaned_data["file"],
                room=form.cleaned_data["room"],
                name=form.cleaned_data["name"],
            )
        except LibraryError as error:
            form.add_error("file", error.message)
        else:
            message = _("“%(name)s” is in the library.") % {"name": library_file.name}
            messages.success(request, message)
            if _wants_json(request):
                return JsonResponse({"id": library_file.pk, "message": message, "redirect": reverse("library_list")})
            return redirect("library_list")
    if request.method == "POST" and _wants_json(request):
        errors = [str(error) for field_errors in form.errors.values() for error in field_errors]
        return JsonResponse({"errors": errors}, status=400)
    context = {"form": form, "usage": build_storage_usage(account), "max_file_bytes": settings.LIBRARY_MAX_FILE_BYTES}
    return render(request, "library/upload.html", context, status=400 if form.errors else 200)


@account_permission_required(MANAGE_PERMISSION)
def library_file_rename(request, file_id: int):
    library_file = access_file_by_id(request.membership, file_id, MANAGE_PERMISSION)
    form = RenameForm(request.POST or None, initial={"name": library_file.name})
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_rename_file(request.membership, library_file, form.cleaned_data["name"])
        except LibraryError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, _("File renamed."))
            return redirect("library_list")
    context = {"library_file": library_file, "form": form}
    return render(request, "library/rename.html", context, status=400 if form.errors else 200)


@account_permission_required(MANAGE_PERMISSION)
def library_file_attach(request, file_id: int):
    library_file = access_file_by_id(request.membership, file_id, MANAGE_PERMISSION)
    account = request.membership.account
    form = AttachForm(request.POST or None, initial={"room": library_file.room_id}, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_attach_file(request.membership, library_file, form.cleaned_data["room"])
        except LibraryError as error:
            form.add_error("room", error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("library_list")
    context = {"library_file": library_file, "form": form}
    return render(request, "library/attach.html", context, status=400 if form.errors else 200)


@account_permission_required(MANAGE_PERMISSION)
def library_file_delete(request, file_id: int):
    library_file = access_file_by_id(request.membership, file_id, MANAGE_PERMISSION)
    if request.method == "POST":
        actions.check_delete_file(request.membership, library_file)
        messages.success(request, _("“%(name)s” deleted.") % {"name": library_file.name})
        return redirect("library_list")
    return render(request, "library/confirm_delete.html", {"library_file": library_file})


@require_GET
@account_permission_required(VIEW_PERMISSION)
def library_file_download(request, file_id: int):
    return file_response(request, access_file_by_id(request.membership, file_id))


@require_GET
def library_help(request):
    kinds = [(kind, [f for f in FORMATS if f.kind == kind]) for kind in FileKind]
    context = {"kinds": kinds, "max_file_bytes": settings.LIBRARY_MAX_FILE_BYTES}
    return render(request, "library/help.html", context)


def build_conversion_status(library_file) -> dict:
    """What the list polls while a file converts (``library/conversion_status.js``)."""
    return {
        "id": library_file.pk,
        "status": library_file.status,
        "status_label": library_file.get_status_display(),
        "percent": library_file.conversion_progress,
        "is_finished": library_file.status in (FileStatus.CONVERTED, FileStatus.FAILED),
        "status_message": library_file.status_message if library_file.is_failed else "",
        "page_count": library_file.page_count,
    }


@require_GET
@account_permission_required(VIEW_PERMISSION)
def library_file_status(request, file_id: int):
    return JsonResponse(build_conversion_status(access_file_by_id(request.membership, file_id)))


@require_GET
@account_permission_required(VIEW_PERMISSION)
def library_file_pages(request, file_id: int):
    library_file = access_file_by_id(request.membership, file_id)
    context = {"library_file": library_file, "pages": library_file.pages.all()}
    return render(request, "library/pages.html", context)


def _private_response(request, field_file, content_type: str, filename: str) -> FileResponse:
    response = stored_file_response(request, field_file, filename, content_type, as_attachment=False)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
@account_permission_required(VIEW_PERMISSION)
def library_page_image(request, file_id: int, number: int):
    library_file = access_file_by_id(request.membership, file_id)
    page = get_object_or_404(library_file.pages, number=number)
    return _private_response(request, page.image, "image/jpeg", f"page-{number}.jpg")


@require_GET
@account_permission_required(VIEW_PERMISSION)
def library_file_converted(request, file_id: int):
    """The conversion's main output: the MP4 of a video, the PDF of an office file."""
    library_file = access_file_by_id(request.membership, file_id)
    if not library_file.converted or library_file.status != FileStatus.CONVERTED:
        raise Http404
    is_video = library_file.kind == FileKind.VIDEO
    content_type, extension = ("video/mp4", "mp4") if is_video else ("application/pdf", "pdf")
    return _private_response(request, library_file.converted, content_type, f"{library_file.name}.{extension}")
