"""Strict query strings for the API: a parameter no operation documents, a boolean spelled other
than `true`/`false`, or a time without a UTC offset is a 400 naming it (never silently ignored,
which returns everything, nor read in some zone the client cannot see)."""

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from django_filters import BooleanFilter, IsoDateTimeFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView

BOOLEAN_SPELLINGS = ("true", "false")


def _query_names(view: APIView, filterset_class: type | None) -> set[str]:
    names = set(filterset_class.base_filters) if filterset_class is not None else set()
    paginator = getattr(view, "paginator", None)
    names |= set(getattr(paginator, "query_names", ()))
    return names | set(getattr(view, "extra_query_names", ()))


def _naive(value: str) -> bool:
    try:
        moment = parse_datetime(value)
    except ValueError:
        return False  # not a time at all: the filter's own validation names it
    return moment is not None and moment.tzinfo is None


def check_query(request: Request, view: APIView, filterset_class: type | None) -> None:
    """Raise a 400 for unknown parameters and for booleans not spelled `true` or `false`."""
    known = _query_names(view, filterset_class)
    errors: dict[str, list[str]] = {
        name: ["Unknown query parameter."] for name in request.query_params if name not in known
    }
    filters = filterset_class.base_filters if filterset_class is not None else {}
    for name, value in request.query_params.items():
        if isinstance(filters.get(name), BooleanFilter) and value not in BOOLEAN_SPELLINGS:
            errors[name] = ["Must be true or false."]
        if isinstance(filters.get(name), IsoDateTimeFilter) and _naive(value):
            errors[name] = ["Give the time in UTC with Z (2026-12-02T15:04:05.000000Z) or with an offset."]
    if errors:
        raise ValidationError(errors)


class StrictFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend that first refuses what it would otherwise ignore."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view: APIView) -> QuerySet:
        check_query(request, view, self.get_filterset_class(view, queryset))
        return super().filter_queryset(request, queryset, view)
