from rest_framework.pagination import LimitOffsetPagination


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """A page size is a client's wish, not a number to hand the database as given."""

    max_limit = 500
