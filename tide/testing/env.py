"""Loaded by pytest with ``-p tide.testing.env`` before Django reads its settings."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TIDE_LOCAL", "1")
os.environ.setdefault("TIDE_JOBS_MODE", "eager")
os.environ.setdefault("TIDE_FAST_PASSWORD_HASHER", "1")
# Rooms' own tests exercise their features; the need-to-know gate is tested strictly by the
# accountability room (its tests switch to "strict"). See docs/adr/0060.
os.environ.setdefault("TIDE_NEED_TO_KNOW", "audit")
