"""Unhandled errors to Sentry, when SENTRY_DSN is set; otherwise sentry-sdk is not even imported.

No personal data is sent (send_default_pii off: no user details, cookies, headers or bodies), and
every string of an event goes through the same scrubbing as the logs first (the API key in any
form, phone numbers).
"""

from dashboard.observability.scrub import configured_secrets, scrub_value


def before_send(event: dict, hint: dict) -> dict:
    return scrub_value(event, configured_secrets())


def init_sentry(dsn: str, *, environment: str, release: str, traces_sample_rate: float = 0.0) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        environment=environment,
        release=release,
        traces_sample_rate=traces_sample_rate,
        before_send=before_send,
        before_send_transaction=before_send,
        before_breadcrumb=lambda crumb, hint: scrub_value(crumb, configured_secrets()),
    )
