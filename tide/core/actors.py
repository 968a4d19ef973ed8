"""Who did it: the ``Actor`` every service takes, and the one way to turn it into a stored user.

A service is called by a signed-in user, by a command or job with no user (``None``), or — in the
simulator and some tests — by an unsaved stand-in. Foreign keys such as ``created_by`` take only a
saved user, so every service stores :func:`actor_user` (or :func:`actor_pk`) rather than the actor.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

Actor: TypeAlias = AbstractBaseUser | AnonymousUser | None
"""The user a service acts for; ``None`` for the system (commands, jobs, the nightly screen)."""


def actor_user(actor: Any) -> Any:
    """The actor if it is a saved user, else ``None`` (the value for a ``*_by`` foreign key)."""
    return actor if getattr(actor, "pk", None) else None


def actor_pk(actor: Any) -> int | None:
    """The actor's primary key if it is a saved user, else ``None``."""
    return getattr(actor, "pk", None) or None
