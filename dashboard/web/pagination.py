"""Pagination whose cost does not depend on the size of the table: one capped count, two faces.

Counting every match of a broad search over millions of events costs more than showing a page
of them, so counts stop at COUNT_CAP ("10,000+") and pages go as deep as that cap. Pages use
`CappedPaginator`; the API uses `CappedLimitOffsetPagination` (its default pagination class).
"""

from collections import OrderedDict

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

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


class CappedLimitOffsetPagination(LimitOffsetPagination):
    """`count` stops at COUNT_CAP (then `count_capped` is true); offsets go as far as the cap."""

    max_limit = API_MAX_LIMIT
    count_capped = False

    def get_count(self, queryset: QuerySet) -> int:
        count, self.count_capped = capped_count(queryset)
        return count

    def get_paginated_response(self, data: list) -> Response:
        return Response(
            OrderedDict(
                [
                    ("count", self.count),
                    ("count_capped", self.count_capped),
                    ("next", self.get_next_link()),
                    ("previous", self.get_previous_link()),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "true when more rows match than are counted (10,000): count is then the cap",
        }
        return paginated
