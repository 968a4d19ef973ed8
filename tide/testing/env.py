"""Loaded by pytest with ``-p tide.testing.env`` before Django reads its settings."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TIDE_LOCAL", "1")
os.environ.setdefault("TIDE_JOBS_MODE", "eager")
os.environ.setdefault("TIDE_FAST_PASSWORD_HASHER", "1")
