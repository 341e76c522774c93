"""Pagination whose cost does not depend on the size of the table.

Pages use `CappedPaginator`: counting every match of a broad search over millions of events costs
more than showing a page of them, so counts stop at COUNT_CAP ("10,000+").

The API pages by keyset (`KeysetPagination`, its default): rows in primary-key order, each page
starting after the last key of the one before, so rows arriving or changing while a client walks
never shift a page (no duplicates, no skipped rows), however deep it goes. A history list sorted
by another column (`sort`) pages by offset (`SortedPagination`), as deep as COUNT_CAP: deeper is a 400.
"""

from collections import OrderedDict

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor, CursorPagination, LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

COUNT_CAP = 10_000
PER_PAGE_CHOICES = (25, 50, 100, 200)
DEFAULT_PER_PAGE = 50
API_MAX_LIMIT = 500  # a page size is a client's wish, not a number to hand the database as given


def capped_count(queryset: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """(count, whether it was capped). A sliced count is COUNT(*) over a LIMITed subquery: it stops
    reading at cap + 1 rows; only the key is selected, so no annotation is computed for rows only counted."""
    cap = COUNT_CAP if cap is None else cap
    counted = queryset.order_by().values("pk")[: cap + 1].count()
    return min(counted, cap), counted > cap


class CappedPaginator(Paginator):
    cap: int | None = None  # COUNT_CAP

    @cached_property
    def _capped_count(self) -> tuple[int, bool]:
        return capped_count(self.object_list, self.cap)

    @property
    def capped(self) -> bool:
        return self._capped_count[1]

    @cached_property
    def count(self) -> int:
        return self._capped_count[0]


def per_page(value: str | None) -> int:
    try:
        number = int(value or DEFAULT_PER_PAGE)
    except ValueError:
        return DEFAULT_PER_PAGE
    return number if number in PER_PAGE_CHOICES else DEFAULT_PER_PAGE


def _whole_number(request: Request, name: str, minimum: int, maximum: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) < minimum or (maximum and int(raw) > maximum):
        limits = f"from {minimum} to {maximum}" if maximum else f"{minimum} or more"
        raise ValidationError({name: [f"A whole number {limits}."]})
    return int(raw)


def _count_asked(request: Request) -> bool:
    value = request.query_params.get("count")
    if value not in (None, "true", "false"):
        raise ValidationError({"count": ["Must be true or false."]})
    return value == "true"


_QUERY_PARAMETER_SCHEMA = {
    "limit": {"type": "integer", "minimum": 1, "maximum": API_MAX_LIMIT},
    "count": {"type": "boolean"},
}


class KeysetPagination(CursorPagination):
    """Newest first by primary key; `next` carries the last key seen (an opaque cursor).

    `?after=<seq>` (a `tail` link) turns the list around: oldest first, only rows stored after that
    point, for a script that follows the log. `?count=true` adds `count_estimate`.
    """

    page_size_query_param = "limit"
    max_page_size = API_MAX_LIMIT
    ordering = "-pk"
    invalid_cursor_message = "Invalid cursor: use a `next`, `previous` or `tail` link as given."
    query_names = ("cursor", "limit", "after", "count")

    def get_ordering(self, request: Request, queryset: QuerySet, view: APIView | None) -> tuple[str, ...]:
        return ("pk",) if "after" in request.query_params else ("-pk",)

    def get_page_size(self, request: Request) -> int:
        return _whole_number(request, "limit", 1, API_MAX_LIMIT) or self.page_size

    def paginate_queryset(self, queryset: QuerySet, request: Request, view: APIView | None = None) -> list:
        self.after = _whole_number(request, "after", 0)
        self.count_estimate = capped_count(queryset) if _count_asked(request) else None
        if self.after is not None:
            queryset = queryset.filter(pk__gt=self.after)
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request: Request) -> Cursor | None:
        try:
            cursor = super().decode_cursor(request)
        except Exception as exc:  # DRF answers 404 for a bad cursor; it is a bad parameter
            raise ValidationError({"cursor": [self.invalid_cursor_message]}) from exc
        if cursor is not None and cursor.position is not None and not cursor.position.isdigit():
            raise ValidationError({"cursor": [self.invalid_cursor_message]})
        return cursor

    def get_tail_link(self) -> str:
        newest = max((row.pk for row in self.page), default=self.after or 0)
        if self.after is not None:
            newest = max(newest, self.after)
        return replace_query_param(remove_query_param(self.base_url, "cursor"), "after", newest)

    def get_paginated_response(self, data: list) -> Response:
        body = OrderedDict([("next", self.get_next_link()), ("previous", self.get_previous_link())])
        body["tail"] = self.get_tail_link()
        if self.count_estimate is not None:
            body["count_estimate"], body["count_capped"] = self.count_estimate
        body["results"] = data
        return Response(body)

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = ["next", "previous", "tail", "results"]
        paginated["properties"]["tail"] = {
            "type": "string",
            "format": "uri",
            "description": "Everything stored after the newest row of this page, oldest first: poll it to follow.",
        }
        paginated["properties"]["count_estimate"] = {
            "type": "integer",
            "description": f"With count=true: the rows matching now, an estimate that stops at {COUNT_CAP:,}.",
        }
        paginated["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "With count=true: true when more rows match than were counted.",
        }
        return paginated

    def get_schema_operation_parameters(self, view: APIView) -> list[dict]:
        return [
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "schema": {"type": "string"},
                "description": "From a `next` or `previous` link.",
            },
            {
                "name": "limit",
                "required": False,
                "in": "query",
                "schema": _QUERY_PARAMETER_SCHEMA["limit"],
                "description": f"Rows per page (default {self.page_size}).",
            },
            {
                "name": "after",
                "required": False,
                "in": "query",
                "schema": {"type": "integer", "minimum": 0},
                "description": "Only rows stored after this `seq` (from a `tail` link), oldest first.",
            },
            {
                "name": "count",
                "required": False,
                "in": "query",
                "schema": _QUERY_PARAMETER_SCHEMA["count"],
                "description": "true: add `count_estimate`, which costs a count.",
            },
        ]


class _SortedPages(LimitOffsetPagination):
    """Offset pages of a list sorted by a column, as deep as COUNT_CAP: deeper is a 400 saying what
    to do instead."""

    max_limit = API_MAX_LIMIT

    def get_limit(self, request: Request) -> int:
        return _whole_number(request, "limit", 1, API_MAX_LIMIT) or self.default_limit

    def get_offset(self, request: Request) -> int:
        offset = _whole_number(request, "offset", 0) or 0
        if offset >= COUNT_CAP:
            raise ValidationError(
                {
                    "offset": [
                        f"Sorted lists go {COUNT_CAP:,} rows deep: leave out `sort` to page the whole "
                        "list by cursor, or export it."
                    ]
                }
            )
        return offset

    def paginate_queryset(self, queryset: QuerySet, request: Request, view: APIView | None = None) -> list:
        self.request = request
        self.limit, self.offset = self.get_limit(request), self.get_offset(request)
        rows = list(queryset[self.offset : self.offset + self.limit + 1])
        self.has_more = len(rows) > self.limit
        return rows[: self.limit]

    def get_next_link(self) -> str | None:
        if not self.has_more:
            return None
        return replace_query_param(self.request.build_absolute_uri(), "offset", self.offset + self.limit)

    def get_previous_link(self) -> str | None:
        if self.offset <= 0:
            return None
        return replace_query_param(
            self.request.build_absolute_uri(), "offset", max(0, self.offset - self.limit)
        )


class HistoryPagination(KeysetPagination):
    """Keyset pages in log order; with `sort`, offset pages (`offset`) in that order, same body."""

    query_names = (*KeysetPagination.query_names, "offset")

    def paginate_queryset(self, queryset: QuerySet, request: Request, view: APIView | None = None) -> list:
        self.sorted_pages = None
        if "sort" not in request.query_params:
            if "offset" in request.query_params:
                raise ValidationError({"offset": ["Only with `sort`; follow `next` links otherwise."]})
            return super().paginate_queryset(queryset, request, view)
        if "after" in request.query_params or "cursor" in request.query_params:
            raise ValidationError({"sort": ["`after` and `cursor` page in log order: leave out `sort`."]})
        self.after = None
        self.count_estimate = capped_count(queryset) if _count_asked(request) else None
        self.sorted_pages = _SortedPages()
        return self.sorted_pages.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: list) -> Response:
        if self.sorted_pages is None:
            return super().get_paginated_response(data)
        body = OrderedDict(
            [("next", self.sorted_pages.get_next_link()), ("previous", self.sorted_pages.get_previous_link())]
        )
        body["tail"] = None
        if self.count_estimate is not None:
            body["count_estimate"], body["count_capped"] = self.count_estimate
        body["results"] = data
        return Response(body)

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["tail"]["nullable"] = True
        paginated["properties"]["tail"]["description"] += " null when sorted by a column."
        return paginated

    def get_schema_operation_parameters(self, view: APIView) -> list[dict]:
        offset = {
            "name": "offset",
            "required": False,
            "in": "query",
            "schema": {"type": "integer", "minimum": 0, "maximum": COUNT_CAP - 1},
            "description": f"With `sort` only: rows to skip, fewer than {COUNT_CAP:,}.",
        }
        return [*super().get_schema_operation_parameters(view), offset]
