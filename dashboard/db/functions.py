"""Database functions the history reads need, written natively for SQLite and PostgreSQL.

Django's own datetime arithmetic on SQLite calls back into Python once per row; over a large log
that is the slowest part of a search, so these compile to each backend's built-in functions.
"""

from django.db.models import BigIntegerField, FloatField, Func


class SecondsBetween(Func):
    """`end - start` in seconds (a float), e.g. a call's duration."""

    arity = 2
    output_field = FloatField()

    def __init__(self, start: object, end: object) -> None:
        # Arguments are stored end first: both templates below read "end minus start".
        super().__init__(end, start)

    def as_sqlite(self, compiler, connection, **extra):  # noqa: ANN001, ANN201
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):  # noqa: ANN001, ANN201
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s))::double precision",
            arg_joiner=" - ",
            **extra,
        )


class EpochMinute(Func):
    """Whole minutes since 1970-01-01 UTC: a bucket for per-minute counts."""

    arity = 1
    output_field = BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra):  # noqa: ANN001, ANN201
        # Doubled twice: once for this template, once for the driver's parameter placeholders.
        return self.as_sql(
            compiler,
            connection,
            template="(CAST(strftime('%%%%s', %(expressions)s) AS INTEGER) / 60)",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):  # noqa: ANN001, ANN201
        return self.as_sql(
            compiler, connection, template="FLOOR(EXTRACT(EPOCH FROM %(expressions)s) / 60)::bigint", **extra
        )
