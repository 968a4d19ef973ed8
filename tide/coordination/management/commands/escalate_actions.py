"""Escalate overdue actions: to the owner's manager, then to the area's accountable officer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tide.coordination.escalation import EscalationPolicy
from tide.coordination.services import actions_escalate


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", help="Run as if today were this date (YYYY-MM-DD).")
        parser.add_argument("--manager-after", type=int, default=1, help="Days overdue before the manager hears.")
        parser.add_argument("--officer-after", type=int, default=14, help="Days overdue before the officer hears.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["on"]) if options["on"] else timezone.localdate()
            policy = EscalationPolicy(options["manager_after"], options["officer_after"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        made = actions_escalate(today=today, policy=policy)
        for esc in made:
            self.stdout.write(f"action {esc.action_id}: level {esc.level} -> {esc.to_user}")
        self.stdout.write(self.style.SUCCESS(f"{len(made)} escalations on {today.isoformat()}"))
