"""The soak's settings with --quick-static: the production profile's, except that static files are
collected without compressing them (a second instead of half a minute of CPU). No check of the
soak looks at static files; pages still link hashed names from the manifest, as in production."""

from switchboard.settings import *  # noqa: F403
from switchboard.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
