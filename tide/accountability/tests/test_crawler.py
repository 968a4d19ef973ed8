"""Need-to-know, tested on the data and not on the declaration.

A crawler signs in as every user of a seeded world (one or more per role, some with no relationship to
anyone, and the person's own sign-in; the anonymous visitor too), requests every route the URL
configuration knows with ids of things about people inside and outside the user's relationships, follows
each page's export links (CSV, printable, JSON, DOCX), and scans every response for any identifier of a
person the user may not see: the oracle is ``person_access(user, person).allowed`` under strict
need-to-know. A state-changing request about such a person must be refused and change nothing.

Every URL pattern needs a sample in ``SAMPLES``: a new route fails :func:`test_every_route_has_a_sample`
until it has one, and is then crawled without anyone writing a test for it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from tide.areas.models import Role
from tide.core.access import iter_routes, person_access
from tide.testing.world import World, build_world

# People whose ids fill person-shaped URL parameters: coordinated (inside for their coordinator and
# manager), referred (the group considers them; the police referred them), agreement (involved under an
# information-sharing agreement; alerted to housing) and the stranger (nobody but oversight).
CRAWLED = ("coordinated", "referred", "agreement", "stranger")

# After these intended writes the user must still not see the person's record: the write asks for
# something, it does not open the record. The crawler requests these pages after the write.
STILL_REFUSED_AFTER = {"coordination:refer": ("/people/{pk}/", "/coordination/people/{pk}/", "/outcomes/people/{pk}/")}

# POSTs that may legitimately write about a person the user cannot see: asking for access is the point.
INTENDED_WRITES = {
    "accountability:break-glass": "gate 3: break the glass with a reason, which alerts the privacy officer",
    "coordination:refer": "anyone may refer a person they know of; the referral does not open the record",
    "accountability:inquiry-ask": "anyone may ask an inquiry",
}

# Pages that by design show a person's name and nothing else to anyone whose role may use them (as
# search does): the referral form names whom it refers. Any other identifier on them is still a leak.
NAME_ONLY_ROUTES = {"coordination:refer"}
NAME_LABELS = {"full name", "full name (family first)", "family name"}

# Tables a refused request may write to: they record the refusal, the session and the sign-in.
WRITE_EXEMPT_TABLES = ("core_auditevent", "django_session", "areas_signinattempt")


@dataclass(frozen=True)
class Sample:
    kwargs: dict[str, Any]
    person: str | None = None  # the seeded person the object is about, if any


def _people(world: World, keys: tuple[str, ...] = CRAWLED) -> list[Sample]:
    return [Sample({"pk": world.person(k).pk}, k) for k in keys]


def _one(pk: int, person: str | None = None, **extra: Any) -> list[Sample]:
    return [Sample({"pk": pk, **extra}, person)]


Samples = Callable[[World], list[Sample]]
NONE: Samples = lambda w: [Sample({})]  # noqa: E731

# URL pattern -> the samples that fill it. Keep sorted by pattern; the policy table lists every pattern.
SAMPLES: dict[str, Samples] = {
    "": NONE,
    "accessibility": NONE,
    "account": NONE,
    "account/password": NONE,
    "account/forgotten-password": NONE,
    "account/forgotten-password/sent": NONE,
    "account/set-password/<uidb64>/<token>": lambda w: [Sample({"uidb64": "MQ", "token": "not-a-token"})],
    "accountability/": NONE,
    "accountability/access-policy": NONE,
    "accountability/break-glass/": NONE,
    "accountability/break-glass/<int:pk>/": lambda w: _one(w.objects["break_glass"].pk, "breakglass"),
    "accountability/break-glass/person/<int:person_pk>": lambda w: [
        Sample({"person_pk": w.person(k).pk}, k) for k in CRAWLED
    ],
    "accountability/inquiries/": NONE,
    "accountability/inquiries/<int:pk>/": lambda w: _one(w.objects["inquiry"].pk, "died"),
    "accountability/inquiries/<int:pk>/answer": lambda w: _one(w.objects["inquiry"].pk, "died"),
    "accountability/inquiries/<int:pk>/publish": lambda w: _one(w.objects["inquiry"].pk, "died"),
    "accountability/people/<int:pk>/sign-in": _people,
    "accountability/subject-access/": NONE,
    "accountability/subject-access/<int:pk>/": lambda w: _one(w.objects["sar"].pk, "agreement"),
    "accountability/subject-access/<int:pk>/<slug:step>": lambda w: _one(
        w.objects["sar"].pk, "agreement", step="prepare"
    ),
    "accountability/subject-access/<int:pk>/export.json": lambda w: _one(w.objects["sar"].pk, "agreement"),
    "cookies": NONE,
    "coordination/": NONE,
    "coordination/actions/<int:pk>/done": lambda w: [
        Sample({"pk": w.objects["action_coordinator"].pk}, "coordinated"),
        Sample({"pk": w.objects["action_owned"].pk}, "action"),
    ],
    "coordination/assessments/<int:pk>/outcome": lambda w: _one(w.objects["assessment"].pk, "coordinated"),
    "coordination/death-reviews/<int:pk>/": lambda w: _one(w.objects["death_review"].pk, "died"),
    "coordination/meetings/": NONE,
    "coordination/meetings/<int:pk>/": lambda w: _one(w.objects["meeting"].pk),
    "coordination/meetings/<int:pk>/actions/new": lambda w: _one(w.objects["meeting"].pk),
    "coordination/meetings/<int:pk>/agenda/send": lambda w: _one(w.objects["meeting_upcoming"].pk),
    "coordination/meetings/<int:pk>/attendance": lambda w: _one(w.objects["meeting"].pk),
    "coordination/meetings/<int:pk>/decisions/new": lambda w: _one(w.objects["meeting"].pk),
    "coordination/meetings/<int:pk>/declines/<int:involvement_pk>/resolve": lambda w: _one(
        w.objects["meeting"].pk, "coordinated", involvement_pk=w.objects["declined_involvement"].pk
    ),
    "coordination/meetings/<int:pk>/minutes": lambda w: _one(w.objects["meeting"].pk),
    "coordination/meetings/<int:pk>/minutes.csv": lambda w: _one(w.objects["meeting"].pk),
    "coordination/meetings/<int:pk>/minutes.docx": lambda w: _one(w.objects["meeting"].pk),
    "coordination/meetings/<int:pk>/referrals/<int:referral_pk>/decide": lambda w: _one(
        w.objects["meeting_upcoming"].pk, "referred", referral_pk=w.objects["referral_pending"].pk
    ),
    "coordination/overdue": NONE,
    "coordination/people/<int:pk>/": _people,
    "coordination/people/<int:pk>/allocate": _people,
    "coordination/people/<int:pk>/assessments/new": _people,
    "coordination/people/<int:pk>/contacts/new": _people,
    "coordination/people/<int:pk>/contacts/quick": _people,
    "coordination/people/<int:pk>/cpa": _people,
    "coordination/people/<int:pk>/exit": _people,
    "coordination/people/<int:pk>/plan/comments-read": _people,
    "coordination/people/<int:pk>/plan/new": _people,
    "coordination/people/<int:pk>/refer": _people,
    "coordination/people/<int:pk>/safeguarding/new": _people,
    "coordination/people/<int:pk>/services/new": _people,
    "coordination/refer": NONE,
    "coordination/requests": NONE,
    "coordination/safeguarding/<int:pk>/decision": lambda w: _one(w.objects["safeguarding"].pk, "coordinated"),
    "coordination/services/<int:pk>/update": lambda w: [
        Sample({"pk": w.objects["declined_involvement"].pk}, "coordinated"),
        Sample({"pk": w.objects["consent_involvement"].pk}, "consent"),
    ],
    "finance/": NONE,
    "finance/board-report/": NONE,
    "finance/business-case/": NONE,
    "finance/business-case/agree": NONE,
    "finance/business-case/assumptions": NONE,
    "finance/business-case/costs/new": NONE,
    "finance/people/<int:pk>/flexible-budget": lambda w: _people(w, ("coordinated", "stranger")),
    "finance/business-case/export.<str:kind>": lambda w: [Sample({"kind": k}) for k in ("ods", "xlsx")],
    "finance/cost-report/": NONE,
    "finance/cost-report/<str:kind>.csv": lambda w: [Sample({"kind": k}) for k in ("services", "agencies", "people")],
    "finance/cost-report/people/<int:pk>/": lambda w: _people(w, ("coordinated", "stranger")),
    "finance/deflators/": NONE,
    "finance/deflators/import": NONE,
    "finance/outcome-payments/": NONE,
    "finance/outcome-payments/claims.csv": NONE,
    "finance/outcome-payments/claims/<int:pk>/decide": lambda w: _one(
        w.objects["claim"].pk if w.objects.get("claim") else 0, "coordinated"
    ),
    "finance/outcome-payments/claims/new": NONE,
    "finance/outcome-payments/rate-card": NONE,
    "finance/outcome-payments/rate-card/change": NONE,
    "finance/pooled-budget/": NONE,
    "finance/pooled-budget/<int:pk>/delete": lambda w: _one(w.objects["scenario"].pk),
    "finance/pooled-budget/compare.csv": NONE,
    "finance/pooled-budget/new": NONE,
    "finance/price-map/": NONE,
    "finance/price-map/<int:pk>/": lambda w: _one(w.objects["price_rule"].pk),
    "finance/price-map/adopt": NONE,
    "finance/price-map/new": NONE,
    "finance/reinvestment/": NONE,
    "finance/unit-costs/": NONE,
    "finance/unit-costs/<int:pk>/": lambda w: _one(w.objects["unit_cost"].pk),
    "finance/unit-costs/import": NONE,
    "finance/unit-costs/new": NONE,
    "healthz": NONE,
    "metrics": NONE,
    "identification/alerts/": NONE,
    "identification/alerts/<int:pk>/open": lambda w: [
        Sample({"pk": w.objects["alert"].pk}, "agreement"),
        Sample({"pk": w.objects["alert_old"].pk}, "stranger"),
    ],
    "identification/definitions/": NONE,
    "identification/definitions/<slug:code>/edit": lambda w: [Sample({"code": w.objects["definition"].code})],
    "identification/equity": NONE,
    "identification/least-helped": NONE,
    "identification/list/": NONE,
    "identification/ndt-wording": NONE,
    "identification/people/<int:pk>/": _people,
    "identification/people/<int:pk>/ndt": _people,
    "identification/screening": NONE,
    "identification/triggers/": NONE,
    "identification/triggers/<int:pk>/toggle": lambda w: _one(w.objects["trigger"].pk),
    "inquiries/ask": NONE,
    "inquiries/register/": NONE,
    "inquiries/register/<str:reference>": lambda w: [
        Sample({"reference": w.objects["inquiry_published"].reference}, "former")
    ],
    "inquiries/sent": NONE,
    "intake/": NONE,
    "intake/api/v1/extracts": NONE,
    "intake/api/v1/jobs/<str:job>": lambda w: [Sample({"job": w.objects["job"].pk})],
    "intake/api/v1/openapi.json": NONE,
    "intake/feeds/": NONE,
    "intake/feeds/<int:agency>/cadence": lambda w: [Sample({"agency": w.agencies[c].pk}) for c in ("police", "asc")],
    "intake/files/<int:pk>/": lambda w: [Sample({"pk": f.pk}) for f in w.objects["extract_files"]],
    "intake/files/<int:pk>/summary/": lambda w: [Sample({"pk": f.pk}) for f in w.objects["extract_files"]],
    "intake/formats/": NONE,
    "intake/formats/<slug:code>/": lambda w: [Sample({"code": "police"})],
    "intake/formats/load": NONE,
    "intake/tokens/": NONE,
    "intake/tokens/<int:pk>/revoke": lambda w: _one(w.objects["token"].pk),
    "intake/uploads/<int:pk>/": lambda w: [Sample({"pk": f.pk}) for f in w.objects["extract_files"]],
    "intake/uploads/<int:pk>/only-new": lambda w: [Sample({"pk": f.pk}) for f in w.objects["extract_files"]],
    "messages/choices/": NONE,
    "messages/outbox/": NONE,
    "messages/outbox/<int:pk>/retry": lambda w: _one(w.objects["message"].pk),
    "jobs/<int:pk>/": lambda w: _one(w.objects["job"].pk),
    "jobs/<int:pk>/cancel": lambda w: _one(w.objects["job"].pk),
    "jobs/<int:pk>/status": lambda w: _one(w.objects["job"].pk),
    "ledger/event-types/": NONE,
    "ledger/event-types/<slug:code>/edit": lambda w: [Sample({"code": w.objects["event_type"].code})],
    "ledger/event-types/add": NONE,
    "linkage/known/": NONE,
    "linkage/model/": NONE,
    "linkage/model/train": NONE,
    "linkage/records/<int:pk>/": lambda w: [Sample({"pk": w.objects["records"][k].pk}, k) for k in CRAWLED],
    "linkage/records/<int:pk>/undo": lambda w: [Sample({"pk": w.objects["records"][k].pk}, k) for k in CRAWLED],
    "linkage/review/": NONE,
    "linkage/review/done/": NONE,
    "linkage/review/next/": NONE,
    "linkage/review/<int:pk>/": lambda w: [Sample({"pk": w.objects["candidate"].pk}, "stranger")],
    "my-plan/": NONE,
    "my-record/": NONE,
    "my-record/contact": NONE,
    "my-record/sharing/<int:agency_pk>": lambda w: [Sample({"agency_pk": w.agencies["police"].pk})],
    "outcomes/": NONE,
    "outcomes/equity/": NONE,
    "outcomes/framework/": NONE,
    "outcomes/framework/new": NONE,
    "outcomes/measures/<slug:code>/": lambda w: [Sample({"code": "arrest"})],
    "outcomes/people/<int:pk>/": _people,
    "outcomes/people/<int:pk>/statuses/new": _people,
    "people/": lambda w: [Sample({}), Sample({"_query": "q=a"})],
    "people/<int:pk>/": _people,
    "people/<int:pk>/contact": _people,
    "people/<int:pk>/identifiers/new": _people,
    "people/<int:pk>/risk-markers/new": _people,
    "people/new": NONE,
    "people/risk-markers/<int:pk>/review": lambda w: [
        *_one(w.objects["risk_marker"].pk, "coordinated"),
        *_one(w.objects["risk_marker_stranger"].pk, "stranger"),
    ],
    "privacy": NONE,
    "sign-in": NONE,
    "sign-in/code": NONE,
    "sign-in/set-up-code": NONE,
    "sign-out": NONE,
    "statistics/": NONE,
}

SKIP_ROUTES = {"logout"}  # signing out ends the crawl's session


# --- Reading responses -----------------------------------------------------------------------------------


def body_text(response: Any) -> str:
    """Everything a response carries, as text: DOCX and other zips unzipped, XML tags kept."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                raw = b"\n".join(archive.read(name) for name in archive.namelist())
        except zipfile.BadZipFile:
            pass
    text = raw.decode("utf-8", errors="replace")
    return re.sub(r"<[^>]+>", " ", text) if raw[:2] != b"PK" else text


class FormParser(HTMLParser):
    """POST forms (action -> field values) and same-page export links (``?format=csv`` and the like)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.exports: set[str] = set()
        self._form: dict[str, str] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("?") and re.search(r"\b(format|print|table)=", a["href"]):
            self.exports.add(a["href"].replace("&amp;", "&"))
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = {}
            self.forms.append((a.get("action", ""), self._form))
        if self._form is None or "name" not in a:
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                if name not in self._form:
                    self._form[name] = a.get("value", "on")
            elif kind not in {"submit", "button", "file"}:
                self._form[name] = a.get("value") or _fill(name, kind)
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and self._select not in self._form and a.get("value"):
            self._form[self._select] = a["value"]
        elif tag == "textarea":
            self._textarea = name
            self._form[name] = "Crawler test text."

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _fill(name: str, kind: str) -> str:
    if kind == "date" or name.endswith(("_on", "date")):
        return "2026-01-05"
    if name.endswith(("-day", "_day")):
        return "5"
    if name.endswith(("-month", "_month")):
        return "1"
    if name.endswith(("-year", "_year")):
        return "2026"
    if kind == "number" or name in {"budget", "amount", "total"}:
        return "1"
    if kind == "email":
        return "crawler@example.org"
    return "Crawler test text."


# --- The oracle ------------------------------------------------------------------------------------------


def visible_people(world: World, user: Any) -> set[str]:
    """The seeded people this user may see under strict need-to-know."""
    if user is None:
        return set()
    if user.role == Role.PERSON:
        account = getattr(user, "person_account", None)
        return {k for k, s in world.people.items() if account and account.person_id == s.pk}
    with override_settings(TIDE_NEED_TO_KNOW="strict"):
        return {k for k, s in world.people.items() if person_access(user, s.person).allowed}


def identifier_pattern(world: World, hidden: set[str]) -> re.Pattern[str] | None:
    terms = {}
    for key in hidden:
        for label, value in world.people[key].identifiers().items():
            terms[value.casefold()] = (key, label)
    if not terms:
        return None
    return re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)


def _term_owner(world: World, found: str) -> tuple[str, str]:
    for key, seed in world.people.items():
        for label, value in seed.identifiers().items():
            if value.casefold() == found.casefold():
                return key, label
    return "?", "?"


# --- The crawl -------------------------------------------------------------------------------------------


@dataclass
class Leak:
    user: str
    method: str
    url: str
    status: int
    person: str
    what: str

    def __str__(self) -> str:
        return f"{self.user:22} {self.method:4} {self.url} [{self.status}] {self.person}: {self.what}"


def _url(route: Any, sample: Sample) -> str:
    kwargs = {k: v for k, v in sample.kwargs.items() if not k.startswith("_")}
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route.pattern)
    return f"{path}?{sample.kwargs['_query']}" if "_query" in sample.kwargs else path


def _writes(queries: list[dict[str, str]]) -> list[str]:
    found = []
    for q in queries:
        sql = q["sql"].lstrip().upper()
        if not sql.startswith(("INSERT", "UPDATE", "DELETE")):
            continue
        if any(f'"{t.upper()}"' in sql or f" {t.upper()} " in sql for t in WRITE_EXEMPT_TABLES):
            continue
        if sql.startswith('UPDATE "AREAS_USER" SET "LAST_LOGIN"'):
            continue
        found.append(q["sql"][:160])
    return found


def _fingerprint() -> str:
    """A hash of every row of every Tide model, leaving out the audit log and sign-in bookkeeping."""
    import hashlib

    from django.apps import apps

    digest = hashlib.sha256()
    for model in apps.get_models():
        if not model.__module__.startswith("tide.") or model._meta.db_table in WRITE_EXEMPT_TABLES:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        for row in model.objects.order_by("pk").values_list(*fields):
            digest.update(repr(row).encode())
    return digest.hexdigest()


class Crawl:
    def __init__(self, world: World) -> None:
        self.world = world
        self.leaks: list[Leak] = []
        self.combinations = 0
        self.requests = 0
        self.forms: dict[str, dict[str, str]] = {}  # URL path -> field values of a POST form found there
        self.routes = [r for r in iter_routes() if r.name not in SKIP_ROUTES]

    def users(self) -> list[tuple[str, Any]]:
        return [("anonymous", None), *self.world.users.items()]

    def scan(
        self,
        who: str,
        method: str,
        url: str,
        response: Any,
        pattern: re.Pattern[str] | None,
        route: Any,
        *,
        name_only_ok: bool = True,
    ) -> None:
        self.requests += 1
        if response.status_code >= 500:
            self._report(Leak(who, method, url, response.status_code, "-", "server error"), route)
            return
        if pattern is None:
            return
        text = body_text(response)
        for found in sorted({m.group(0) for m in pattern.finditer(text)}):
            key, label = _term_owner(self.world, found)
            if name_only_ok and route.name in NAME_ONLY_ROUTES and label in NAME_LABELS:
                continue
            self._report(Leak(who, method, url, response.status_code, key, f"{label} {found!r}"), route)

    def _report(self, leak: Leak, route: Any) -> None:
        self.leaks.append(leak)

    def harvest(self, url: str, response: Any) -> list[str]:
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return []
        parser = FormParser()
        parser.feed(response.content.decode("utf-8", errors="replace"))
        for action, fields in parser.forms:
            target = urlsplit(action).path or urlsplit(url).path
            self.forms.setdefault(target, fields)
        return sorted(parser.exports)

    def get_all(self) -> None:
        for who, user in self.users():
            client = Client()
            if user is not None:
                client.force_login(user)
            hidden = set(self.world.people) - visible_people(self.world, user)
            pattern = identifier_pattern(self.world, hidden)
            for route in self.routes:
                for sample in SAMPLES[route.pattern](self.world):
                    url = _url(route, sample)
                    response = client.get(url)
                    self.combinations += 1
                    self.scan(who, "GET", url, response, pattern, route)
                    for export in self.harvest(url, response):
                        self.scan(
                            who,
                            "GET",
                            urlsplit(url).path + export,
                            client.get(urlsplit(url).path + export),
                            pattern,
                            route,
                        )

    def harvest_forms_as_insiders(self) -> None:
        """Fill ``self.forms`` from pages as users who may see each person, so POSTs carry real fields."""
        insiders = [u for k, u in self.world.users.items() if k in {"coordinator", "manager", "accountable_officer"}]
        for user in insiders:
            client = Client()
            client.force_login(user)
            for route in self.routes:
                for sample in SAMPLES[route.pattern](self.world):
                    url = _url(route, sample)
                    if urlsplit(url).path in self.forms:
                        continue
                    self.harvest(url, client.get(url))

    def post_all(self) -> None:
        # Each POST runs in a savepoint rolled back afterwards, so the world before it is always this one.
        self.baseline = _fingerprint()
        for who, user in self.users():
            client = Client()
            if user is not None:
                client.force_login(user)
            visible = visible_people(self.world, user)
            hidden = set(self.world.people) - visible
            pattern = identifier_pattern(self.world, hidden)
            for route in self.routes:
                if route.name in INTENDED_WRITES and route.name not in STILL_REFUSED_AFTER:
                    continue
                for sample in SAMPLES[route.pattern](self.world):
                    if sample.person is None or sample.person in visible:
                        continue
                    url = _url(route, sample)
                    data = self.forms.get(urlsplit(url).path, {})
                    self.combinations += 1
                    if route.name in STILL_REFUSED_AFTER:
                        self.after_write(who, client, route, url, data, sample, pattern)
                        continue
                    with transaction.atomic():
                        connection.queries_log.clear()  # the log keeps 9,000 queries and warns past them
                        with CaptureQueriesContext(connection) as queries:
                            response = client.post(url, data)
                        writes = _writes(queries.captured_queries)
                        if writes and _fingerprint() != self.baseline:
                            self._report(
                                Leak(who, "POST", url, response.status_code, sample.person, f"changed: {writes[0]}"),
                                route,
                            )
                        transaction.set_rollback(True)
                    self.scan(who, "POST", url, response, pattern, route)

    def after_write(
        self, who: str, client: Client, route: Any, url: str, data: dict[str, str], sample: Sample, pattern: Any
    ) -> None:
        """An intended write (a referral) must not open the record: request it afterwards and scan."""
        user = self.world.users.get(who)
        if user is not None and user.agency_id:
            data = {**data, "from_agency": str(user.agency_id)}  # refer as the user's own agency
        with transaction.atomic():
            client.post(url, data)
            pk = self.world.person(sample.person or "").pk
            for page in STILL_REFUSED_AFTER[route.name]:
                follow = page.format(pk=pk)
                response = client.get(follow)
                self.scan(who, "GET", f"{follow} (after POST {url})", response, pattern, route, name_only_ok=False)
            transaction.set_rollback(True)


@pytest.fixture
def world(db):
    """Built once per test: the crawl is one test, so the world is built once for all its requests."""
    return build_world()


def test_every_route_has_a_sample():
    missing = sorted(r.pattern for r in iter_routes() if r.pattern not in SAMPLES)
    assert missing == [], (
        "These URL patterns have no sample in SAMPLES, so the need-to-know crawler cannot request them: "
        + ", ".join(missing)
    )
    stale = sorted(set(SAMPLES) - {r.pattern for r in iter_routes()})
    assert stale == [], f"SAMPLES names patterns the URL configuration no longer has: {stale}"


def test_the_world_has_every_role_and_people_inside_and_outside_relationships(world):
    roles = {u.role for u in world.users.values()}
    assert roles == {r.value for r in Role}
    for key in ("practitioner_unrelated", "administrator", "commissioner", "auditor"):
        assert visible_people(world, world.users[key]) == set(), key
    # Every team manager is in the operational group, which considers a waiting referral.
    assert visible_people(world, world.users["manager_unrelated"]) == {"referred"}
    assert "coordinated" in visible_people(world, world.users["coordinator"])
    assert "stranger" not in visible_people(world, world.users["practitioner_dat"])
    assert visible_people(world, world.users["person"]) == {"self"}


@override_settings(TIDE_NEED_TO_KNOW="strict")
def test_no_response_carries_an_identifier_of_a_person_the_user_may_not_see(world, capsys):
    crawl = Crawl(world)
    crawl.get_all()
    crawl.harvest_forms_as_insiders()
    crawl.post_all()
    roles = len({u.role for u in world.users.values()})
    with capsys.disabled():
        print(
            f"\ncrawler: {roles} roles ({len(world.users)} users) + anonymous × {len(crawl.routes)} routes, "
            f"{crawl.combinations:,} (user, route, person) combinations checked in {crawl.requests:,} responses, "
            f"{len(crawl.leaks)} leaks"
        )
    assert not crawl.leaks, "Need-to-know leaks:\n" + "\n".join(str(leak) for leak in crawl.leaks)
