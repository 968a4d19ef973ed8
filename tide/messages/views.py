from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tide.areas.models import STAFF_ROLES
from tide.core.access import access
from tide.core.paging import page_of
from tide.messages import selectors, services
from tide.messages.kinds import staff_kinds
from tide.messages.models import Message, Status


@access(roles=selectors.OUTBOX_ROLES)
def outbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    rows = page_of(request, selectors.outbox_list(user=request.user, status=status), per_page=50)
    counts = selectors.outbox_counts(user=request.user)
    filters = [("", "All", sum(counts.values()))] + [(s.value, s.label, counts.get(s.value, 0)) for s in Status]
    return render(request, "messages/outbox.html", {"rows": rows, "status": status, "filters": filters})


@require_http_methods(["GET", "POST"])
@access(roles=STAFF_ROLES, note="Their own choices only")
def choices(request: HttpRequest) -> HttpResponse:
    kinds = staff_kinds()
    if request.method == "POST":
        wanted = {k.code: request.POST.get(k.code) == "email" for k in kinds}
        services.staff_choices_set(user=request.user, by_email=wanted, actor=request.user)
        flash.success(request, "Your choices are saved.")
        return redirect("messages:choices")
    rows = [(k, services.staff_wants_email(user=request.user, kind=k.code)) for k in kinds]
    return render(request, "messages/choices.html", {"rows": rows})


@require_POST
@access(roles=selectors.OUTBOX_ROLES)
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    message = Message.objects.filter(pk=pk, area_id=request.user.area_id).first()  # type: ignore[union-attr]
    if message is None:
        raise Http404
    try:
        services.message_retry(message=message, actor=request.user)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
    else:
        flash.success(request, "The message is queued to be sent again.")
    return redirect("messages:outbox")
