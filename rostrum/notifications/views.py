from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from rostrum.notifications.models import OutboxMessage


@staff_member_required
def outbox_list(request):
    page = Paginator(OutboxMessage.objects.all(), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox_list.html", {"page": page})


@staff_member_required
def outbox_detail(request, message_id: int):
    message = get_object_or_404(OutboxMessage, pk=message_id)
    return render(request, "notifications/outbox_detail.html", {"message": message})
