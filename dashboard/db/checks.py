"""A PostgreSQL that refuses the login (wrong password, no such role or database) is said at once,
in one line, when a command checks the database (migrate does), instead of after the connection
pool's 10-second timeout."""

from django.core.checks import Error, Tags, register
from django.db import connections

# OPTIONS Django reads itself rather than passing to psycopg.connect().
_DJANGO_ONLY = {"pool", "server_side_binding", "isolation_level", "assume_role"}


@register(Tags.database)
def postgresql_accepts_the_login(app_configs=None, databases=None, **kwargs) -> list[Error]:  # noqa: ANN001
    errors = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        import psycopg

        db = connection.settings_dict
        options = {key: value for key, value in (db.get("OPTIONS") or {}).items() if key not in _DJANGO_ONLY}
        try:
            psycopg.connect(
                host=db.get("HOST") or None,
                port=db.get("PORT") or None,
                dbname=db.get("NAME") or None,
                user=db.get("USER") or None,
                password=db.get("PASSWORD") or None,
                connect_timeout=5,
                **options,
            ).close()
        except psycopg.Error as exc:
            reason = " ".join(str(exc).split())
            errors.append(
                Error(
                    f"DATABASE_URL: PostgreSQL did not accept the connection: {reason}",
                    hint="Check the user, password, host and database name in DATABASE_URL (README: Production).",
                    id="switchboard.E001",
                )
            )
    return errors
