from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

import config

CONFIG = Path(config.__file__).resolve().parent / "gunicorn.conf.py"


class Command(BaseCommand):
    help = (
        "Serve Tide with gunicorn and its shipped configuration (config/gunicorn.conf.py: workers, timeouts, "
        "JSON logs, metrics). Arguments after -- go to gunicorn, e.g. `tide serve -- --bind 127.0.0.1:8104`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("gunicorn_args", nargs="*", help="Extra gunicorn arguments (after --).")

    def handle(self, *args: Any, **options: Any) -> None:
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")
        if gunicorn is None:
            raise CommandError("gunicorn is not installed: install Tide from requirements/lock.txt.")
        os.execv(gunicorn, [gunicorn, "--config", str(CONFIG), *options["gunicorn_args"]])  # noqa: S606
