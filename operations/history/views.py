"""History pages: searches, one event and one audit record, exports, delivery health."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_safe

from dashboard.eventlog.timeline import event_entry
from dashboard.web.pagination import PER_PAGE_CHOICES, CappedPaginator, per_page
from operations.history import delivery, selectors, services
from operations.history.export import FORMATS, export_response
from operations.history.resources import RESOURCES, Resource


def _sort_links(resource: Resource, current: str) -> list[dict]:
    links = []
    active = current or resource.default_sort
    for column in resource.columns:
        link = {"label": column.label, "sort": "", "arrow": ""}
        if column.sort:
            if active == column.sort:
                link.update(sort=f"-{column.sort}", arrow="▲")
            elif active == f"-{column.sort}":
                link.update(sort=column.sort, arrow="▼")
            else:
                link["sort"] = f"-{column.sort}" if column.descending_first else column.sort
        links.append(link)
    return links


def _resource(name: str) -> Resource:
    try:
        return RESOURCES[name]
    except KeyError:
        raise Http404("No such history") from None


@login_required
@require_GET
def search(request: HttpRequest, resource: str) -> HttpResponse:
    spec = _resource(resource)
    filterset = spec.filterset(request.GET, queryset=spec.rows())
    page = None
    paginator = None
    if filterset.is_valid():
        paginator = CappedPaginator(filterset.qs, per_page(request.GET.get("per_page")))
        page = paginator.get_page(request.GET.get("page"))
    context = {
        "resource": spec,
        "filter": filterset,
        "page": page,
        "paginator": paginator,
        "columns": _sort_links(spec, request.GET.get("sort", "")),
        "per_page_choices": PER_PAGE_CHOICES,
        "hangup_causes": selectors.HANGUP_CAUSES,
        "hangup_sources": selectors.HANGUP_SOURCES,
    }
    folded = [
        name for name in filterset.form.fields if name != "sort" and name not in spec.primary_filters
    ]
    context["more_filters_set"] = sum(1 for name in folded if request.GET.get(name))
    context["more_filters_open"] = bool(context["more_filters_set"]) or any(
        name in filterset.form.errors for name in folded
    )
    if resource == "actions":
        context["usernames"] = selectors.known_usernames()
    return render(request, f"history/{resource}.html", context, status=200 if page is not None else 400)


@login_required
@require_GET
def export(request: HttpRequest, resource: str, fmt: str) -> HttpResponse:
    spec = _resource(resource)
    if fmt not in FORMATS:
        raise Http404("No such format")
    filterset = spec.filterset(request.GET, queryset=spec.export_rows())
    if not filterset.is_valid():
        # Plain text: the errors quote what was typed, and nothing here is rendered as markup.
        return HttpResponseBadRequest(filterset.errors.as_text(), content_type="text/plain; charset=utf-8")
    services.record_export(user=request.user, channel="web", resource=resource, fmt=fmt, query=request.GET)
    return export_response(request, filterset.qs, resource, fmt)


@login_required
@require_safe
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "history/event_detail.html", {"entry": event_entry(selectors.event_get(pk=pk))})


@login_required
@require_safe
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "history/action_detail.html", {"action": selectors.action_get(pk=pk)})


@login_required
@require_safe
def delivery_page(request: HttpRequest) -> HttpResponse:
    context = {"health": delivery.delivery_health(), **delivery.metrics_minutes(admin=request.user.is_staff)}
    return render(request, "history/delivery.html", context)
