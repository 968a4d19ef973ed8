"""Locust users for Tide's load bench (issue 21): signed-in personas with a realistic mix of reads and
writes, and a bare endpoint (``/healthz``) measured in the same run. Run by ``bench/load_bench.py``,
which signs each persona in once (password and the demo's second-factor code) and hands the sessions
over in ``TIDE_LOAD_SESSIONS`` (a JSON file): a code is good once, so fifty users cannot each sign in.

Environment: ``TIDE_LOAD_SESSIONS`` (required), ``TIDE_LOAD_THINK`` ("1-3" seconds between tasks, or
"0" to step up without think time), ``TIDE_LOAD_ONLY`` (a comma-separated list of user classes).
"""

from __future__ import annotations

import json
import os
import random
from typing import Any

from locust import HttpUser, between, constant, events, tag, task

SESSIONS: dict[str, Any] = json.loads(open(os.environ["TIDE_LOAD_SESSIONS"], encoding="utf-8").read())  # noqa: SIM115
_low, _, _high = os.environ.get("TIDE_LOAD_THINK", "1-3").partition("-")
THINK = between(float(_low), float(_high or _low)) if float(_high or _low) > 0 else constant(0)


class Persona(HttpUser):
    abstract = True
    persona = ""
    wait_time = THINK

    def on_start(self) -> None:
        session = SESSIONS[self.persona]
        self.client.cookies.update(session["cookies"])
        self.csrf = session["cookies"]["csrftoken"]
        self.people: list[int] = session["people"]
        self.meetings: list[int] = session.get("meetings", [])

    def get(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")

    def post(self, url: str, data: dict[str, str], name: str) -> None:
        data = {"csrfmiddlewaretoken": self.csrf, **data}
        headers = {"Referer": self.host + url}
        with self.client.post(
            url, data=data, headers=headers, name=name, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 302:  # a write that worked redirects (post/redirect/get)
                response.failure(f"{response.status_code} for POST {url}")

    def person_page(self) -> None:
        if self.people:
            self.get(f"/coordination/people/{random.choice(self.people)}/", "read: person page")


class Coordinator(Persona):
    persona = "coordinator"
    weight = 4

    @tag("read")
    @task(4)
    def home(self) -> None:
        self.get("/coordination/", "read: coordinator home")

    @tag("read")
    @task(6)
    def person(self) -> None:
        self.person_page()

    @tag("write")
    @task(2)
    def contact(self) -> None:
        pk = random.choice(self.people)
        note = f"Load bench contact {random.randint(1, 10**6)}"
        self.post(f"/coordination/people/{pk}/contacts/new", {"kind": "call", "note": note}, "write: record a contact")


class Practitioner(Persona):
    persona = "practitioner"
    weight = 3

    @tag("read")
    @task(3)
    def home(self) -> None:
        self.get("/", "read: practitioner home")

    @tag("read")
    @task(5)
    def person(self) -> None:
        self.person_page()

    @tag("read")
    @task(2)
    def requests(self) -> None:
        self.get("/coordination/requests", "read: agency requests")

    @tag("write")
    @task(2)
    def contact(self) -> None:
        if self.people:
            pk = random.choice(self.people)
            self.post(
                f"/coordination/people/{pk}/contacts/new", {"kind": "visit", "note": ""}, "write: record a contact"
            )


class Chair(Persona):
    persona = "chair"
    weight = 2

    @tag("read")
    @task(3)
    def meetings_list(self) -> None:
        self.get("/coordination/meetings/", "read: meetings")

    @tag("read")
    @task(3)
    def meeting(self) -> None:
        if self.meetings:
            self.get(f"/coordination/meetings/{random.choice(self.meetings)}/", "read: meeting page")

    @tag("read")
    @task(2)
    def overdue(self) -> None:
        self.get("/coordination/overdue", "read: overdue actions")


class Officer(Persona):
    persona = "officer"
    weight = 1

    @tag("read")
    @task
    def home(self) -> None:
        self.get("/", "read: officer home")

    @tag("read")
    @task
    def overdue(self) -> None:
        self.get("/coordination/overdue", "read: overdue actions")

    @tag("read")
    @task
    def finance(self) -> None:
        self.get("/finance/", "read: finance")


class Bare(HttpUser):
    """The bare endpoint, in the same run: what the server does with no application work."""

    weight = 2
    wait_time = THINK

    @task
    def healthz(self) -> None:
        with self.client.get("/healthz", name="bare: /healthz", catch_response=True) as response:
            if response.status_code in {200, 503}:  # 503: no worker heartbeat or an old queue, still served
                response.success()
            else:
                response.failure(f"{response.status_code} for /healthz")


class PersonPage(Persona):
    """Only the person page (the import run measures it alone; the other runs name their classes)."""

    persona = "coordinator"

    @task
    def person(self) -> None:
        self.person_page()


# Every response time by name, written at the end for bench/load_bench.py to take percentiles of groups
# (reads, writes, bare) — locust's own CSV gives percentiles per name only.
TIMES: dict[str, list[float]] = {}
FAILURES: dict[str, int] = {}


@events.request.add_listener
def _record(name: str, response_time: float, exception: Any, **_: Any) -> None:
    TIMES.setdefault(name, []).append(response_time)
    if exception is not None:
        FAILURES[name] = FAILURES.get(name, 0) + 1


@events.quitting.add_listener
def _write(environment: Any, **_: Any) -> None:
    out = os.environ.get("TIDE_LOAD_OUT")
    if out:
        with open(out, "w", encoding="utf-8") as file:
            json.dump({"times": TIMES, "failures": FAILURES}, file)
