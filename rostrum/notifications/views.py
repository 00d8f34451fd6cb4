"""Staff pages: the outbox queue, the embedded backend's local mailbox, suppressed addresses."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import validate_email
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rostrum.notifications.actions import do_resend_email
from rostrum.notifications.constants import EmailStatus
from rostrum.notifications.models import OutboxMessage, OutgoingEmail, Suppression
from rostrum.notifications.suppression import do_lift_suppression, do_suppress

PAGE_SIZE = 50


@staff_member_required
def outbox_list(request):
    status = request.GET.get("status", "")
    emails = OutgoingEmail.objects.all()
    if status in EmailStatus.values:
        emails = emails.filter(status=status)
    page = Paginator(emails, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "statuses": EmailStatus.choices}
    return render(request, "notifications/outbox_list.html", context)


@staff_member_required
def outgoing_detail(request, email_id: int):
    email = get_object_or_404(OutgoingEmail.objects.select_related("account"), pk=email_id)
    delivered = OutboxMessage.objects.filter(message_id=email.message_id).first() if email.message_id else None
    context = {"email": email, "delivered": delivered, "can_resend": email.status == EmailStatus.FAILED}
    return render(request, "notifications/outgoing_detail.html", context)


@staff_member_required
@require_POST
def outgoing_resend(request, email_id: int):
    email = get_object_or_404(OutgoingEmail, pk=email_id)
    if do_resend_email(email):
        messages.success(request, _("The e-mail is queued again."))
    else:
        messages.error(request, _("Only a failed e-mail to an address that is not suppressed can be sent again."))
    return redirect("outgoing_detail", email.pk)


@staff_member_required
def mailbox_list(request):
    page = Paginator(OutboxMessage.objects.all(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/mailbox_list.html", {"page": page})


@staff_member_required
def outbox_detail(request, message_id: int):
    message = get_object_or_404(OutboxMessage, pk=message_id)
    return render(request, "notifications/outbox_detail.html", {"message": message})


@staff_member_required
def suppression_list(request):
    if request.method == "POST":
        address = request.POST.get("email", "").strip()
        try:
            validate_email(address)
        except ValidationError:
            messages.error(request, _("Enter a valid e-mail address."))
        else:
            do_suppress(address, detail=_("Added by %(staff)s") % {"staff": request.user.email})
            messages.success(request, _("Nothing will be sent to %(email)s any more.") % {"email": address})
        return redirect("suppression_list")
    page = Paginator(Suppression.objects.all(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/suppression_list.html", {"page": page})


@staff_member_required
@require_POST
def suppression_lift(request, suppression_id: int):
    suppression = get_object_or_404(Suppression, pk=suppression_id)
    do_lift_suppression(suppression)
    messages.success(request, _("E-mail to %(email)s will be sent again.") % {"email": suppression.email})
    return redirect("suppression_list")
