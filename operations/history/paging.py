"""Pagination whose cost does not depend on the size of the log.

Counting every match of a broad search over millions of events costs more than showing a page
of them, so counts stop at COUNT_CAP ("10,000+") and pages go as deep as that cap.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000
PER_PAGE_CHOICES = (25, 50, 100, 200)
DEFAULT_PER_PAGE = 50


class CappedPaginator(Paginator):
    cap = COUNT_CAP

    @cached_property
    def counted(self) -> int:
        # A sliced count is COUNT(*) over a LIMITed subquery: it stops reading at cap + 1 rows.
        # Only the key is selected, so no annotation (a duration) is computed for rows only counted.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.counted > self.cap

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)


def per_page(value: str | None) -> int:
    try:
        number = int(value or DEFAULT_PER_PAGE)
    except ValueError:
        return DEFAULT_PER_PAGE
    return number if number in PER_PAGE_CHOICES else DEFAULT_PER_PAGE
