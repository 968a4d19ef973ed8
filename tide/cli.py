"""The `tide` console command: Django's management commands with Tide's settings.

tide demo              load the demo area
tide audit head        print the audit log's head (row count, latest hash) to keep elsewhere
tide audit verify      prove the audit chain (--head COUNT:HASH / --head-file PATH: and that nothing was cut)
tide simulate ...      write a synthetic area
tide worker            run background jobs
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tide", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
