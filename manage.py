#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "switchboard.settings")
    from django.conf import settings

    from switchboard.startup import configuration_error_exit

    # A bad setting is one line naming the variable (exit code 2), not Django's traceback.
    with configuration_error_exit():
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
