"""A small seeded world for tests that probe need-to-know: one area, a handful of people with
distinctive identifiers, and every kind of relationship the gates know.

Everyone here is synthetic and obviously so. Every identifier is chosen so it cannot occur by accident
in page chrome: names like "Quillon Zebrowski", NHS numbers with valid check digits, PNC IDs, prison
numbers, agency record references (held by linkage source records), postcodes and address lines.

``build_world()`` returns a :class:`World` with the people, the users (at least one per role, some of
them with no relationship to anyone) and an object for every kind of URL parameter the routes take.
It goes through the rooms' services where they exist (so the audit log is written as in real use).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tide.areas.models import Agency, Area, InformationSharingAgreement, Role, Sector, User
from tide.people.identifiers import nhs_check_digit
from tide.testing.factories import AgencyFactory, AreaFactory, UserFactory


def nhs_number(first_nine: str) -> str:
    """A valid NHS number beginning with ``first_nine`` (the check digit is computed)."""
    check = nhs_check_digit(first_nine)
    if check is None:
        raise ValueError(f"no valid NHS number starts {first_nine}")
    return f"{first_nine}{check}"


@dataclass
class SeedPerson:
    """One synthetic person and every identifier Tide holds for them."""

    key: str
    given: str
    family: str
    dob: dt.date
    nhs: str
    pnc: str
    prison: str
    postcode: str
    address: str
    police_ref: str
    acute_ref: str
    prison_ref: str
    person: Any = None  # the Person, once loaded

    @property
    def pk(self) -> int:
        return int(self.person.pk)

    def identifiers(self) -> dict[str, str]:
        """label -> text whose presence in a response identifies this person."""
        nhs_spaced = f"{self.nhs[:3]} {self.nhs[3:6]} {self.nhs[6:]}"
        return {
            "full name": f"{self.given} {self.family}",
            "full name (family first)": f"{self.family}, {self.given}",
            "family name": self.family,
            "NHS number": self.nhs,
            "NHS number (spaced)": nhs_spaced,
            "PNC ID": self.pnc,
            "prison number": self.prison,
            "police record reference": self.police_ref,
            "hospital record reference": self.acute_ref,
            "prison record reference": self.prison_ref,
            "postcode": self.postcode,
            "postcode (no space)": self.postcode.replace(" ", ""),
            "address line": self.address.split(",")[0],
        }


def _seed_people() -> list[SeedPerson]:
    rows = [
        # key, given, family, dob, nhs9, pnc, prison, postcode, address
        ("coordinated", "Quillon", "Zebrowski", "1981-04-17", "943476591", "2011/0481237K", "A4821QZ", "TQ91 7ZX"),
        ("former", "Ysolde", "Vantongeren", "1977-09-02", "401023720", "2012/0733391M", "B5530YV", "TQ92 8WV"),
        ("referred", "Marchetta", "Oyelaranpike", "1990-01-23", "485777345", "2013/0191827P", "C6619MO", "TQ93 4UT"),
        ("consent", "Barnabus", "Quennellworth", "1986-12-05", "426817364", "2014/0555120R", "D7708BQ", "TQ94 6SR"),
        ("agreement", "Perpetua", "Haverbrookes", "1972-06-30", "450557710", "2015/0822451T", "E8897PH", "TQ95 2QP"),
        ("refused", "Oswin", "Treloarwick", "1993-03-14", "434229581", "2016/0344190U", "F9986OT", "TQ96 9NM"),
        ("stranger", "Thaddeus", "Krolikowskaya", "1969-11-11", "486102334", "2017/0912873W", "G1075TK", "TQ97 5LK"),
        ("action", "Wilhelmina", "Ostrowfennick", "1988-08-08", "467390021", "2018/0127734X", "H2164WO", "TQ98 3JH"),
        ("self", "Cornelius", "Achterfeldt", "1979-02-19", "411223344", "2019/0588216Y", "J3253CA", "TQ99 1GF"),
        ("breakglass", "Rosalind", "Pemberthwaite", "1984-10-27", "402938475", "2020/0700045Z", "K4342RP", "TQ89 7ED"),
        ("died", "Evander", "Castellquist", "1966-05-05", "438810229", "2021/0345678A", "L5431EC", "TQ88 6CB"),
    ]
    people = []
    for n, (key, given, family, dob, nhs9, pnc, prison, postcode) in enumerate(rows, start=1):
        nine = nhs9
        while nhs_check_digit(nine) is None:  # pick the next nine digits that can take a check digit
            nine = f"{int(nine) + 1:09d}"
        people.append(
            SeedPerson(
                key=key,
                given=given,
                family=family,
                dob=dt.date.fromisoformat(dob),
                nhs=nhs_number(nine),
                pnc=pnc,
                prison=prison,
                postcode=postcode,
                address=f"{n} {family}-Quillfeather Row, Tideford",
                police_ref=f"PP{7300000 + n * 37:08d}",
                acute_ref=f"RTX{8100000 + n * 41:07d}",
                prison_ref=f"BK{9200000 + n * 43:07d}",
            )
        )
    return people


@dataclass
class World:
    area: Area
    agencies: dict[str, Agency]
    people: dict[str, SeedPerson]
    users: dict[str, User]  # key -> user; see build_world for who is who
    objects: dict[str, Any] = field(default_factory=dict)  # kind -> an object to fill URL parameters

    def person(self, key: str) -> Any:
        return self.people[key].person

    def seed_for(self, person_id: int) -> SeedPerson | None:
        return next((p for p in self.people.values() if p.person.pk == person_id), None)


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    def cell(value: str) -> str:
        return f'"{value}"' if value and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else value

    return (
        "\n".join([",".join(f'"{h}"' for h in header), *(",".join(cell(v) for v in r) for r in rows)]) + "\n"
    ).encode()


def build_world() -> World:
    from tide.accountability import services as acc
    from tide.accountability.models import Inquiry, InquiryStatus, PersonAccount
    from tide.coordination import services as co
    from tide.coordination.models import (
        ContactKind,
        DeathReview,
        DeclineReason,
        ExitDestination,
        InvolvementStatus,
        PlanDomain,
        ReferrerKind,
        ServiceKind,
        SharingBasis,
        SupportEpisode,
    )
    from tide.core.models import Job
    from tide.identification.models import Alert, NdtAssessment
    from tide.intake.models import AgencyToken, ExtractFile
    from tide.intake.services import extract_import, formats_load_shipped, token_create
    from tide.linkage.models import MatchCandidate, PersonLink, SourceRecord
    from tide.outcomes.services import outcome_status_record
    from tide.people.models import Person
    from tide.people.services import identifier_add
    from tide.testing.factories import ndt_items_for_total

    today = timezone.localdate()
    area = AreaFactory(name="Tideford", code="tideford")
    formats_load_shipped(actor=None)
    agencies = {
        code: AgencyFactory(area=area, code=code, name=name, sector=sector)
        for code, name, sector in [
            ("link", "Tideford Link Service", Sector.VOLUNTARY),
            ("police", "Tideford Police", Sector.POLICE),
            ("acute", "Tideford General A&E", Sector.NHS_ACUTE),
            ("prison", "HMP Tideford", Sector.PRISON),
            ("dat", "Tideford Drug and Alcohol Service", Sector.DRUG_ALCOHOL),
            ("housing", "Tideford Housing Options", Sector.HOUSING),
            ("mental_health", "Tideford Mental Health Trust", Sector.MENTAL_HEALTH),
            ("asc", "Tideford Adult Social Care", Sector.ADULT_SOCIAL_CARE),
            ("charity", "Tideford Night Shelter", Sector.VOLUNTARY),
            ("council", "Tideford Council", Sector.OTHER),
        ]
    }

    def staff(key: str, role: str, agency: str | None, **kwargs: Any) -> User:
        return UserFactory(
            area=area,
            agency=agencies[agency] if agency else None,
            role=role,
            username=key,
            first_name=key.split("_")[0].title(),
            last_name="Staffmember",
            **kwargs,
        )

    users: dict[str, User] = {}
    users["manager"] = staff("manager", Role.TEAM_MANAGER, "link")  # manages the link coordinators
    users["coordinator"] = staff("coordinator", Role.COORDINATOR, "link", manager=users["manager"])
    users["coordinator_b"] = staff("coordinatorb", Role.COORDINATOR, "link", manager=users["manager"])
    users["practitioner_police"] = staff("police", Role.PRACTITIONER, "police")
    users["practitioner_acute"] = staff("acute", Role.PRACTITIONER, "acute")
    users["practitioner_dat"] = staff("dat", Role.PRACTITIONER, "dat")
    users["practitioner_housing"] = staff("housing", Role.PRACTITIONER, "housing")
    users["practitioner_mh"] = staff("mh", Role.PRACTITIONER, "mental_health")
    users["practitioner_unrelated"] = staff("nobody", Role.PRACTITIONER, "charity")  # no relationship at all
    users["manager_unrelated"] = staff("othermanager", Role.TEAM_MANAGER, "charity")  # no relationship at all
    users["accountable_officer"] = staff("officer", Role.ACCOUNTABLE_OFFICER, "council")
    users["privacy_officer"] = staff("privacy", Role.PRIVACY_OFFICER, "council")
    users["commissioner"] = staff("commissioner", Role.COMMISSIONER, "council")
    users["auditor"] = staff("auditor", Role.AUDITOR, "council")
    users["administrator"] = staff("administrator", Role.ADMINISTRATOR, "council")
    area.accountable_officer = users["accountable_officer"]
    area.save(update_fields=["accountable_officer"])

    # The register comes in as agency extracts, as in real use: police, hospital and prison records of
    # each person, linked into one person each. The importer is nobody's colleague (actor None).
    seeds = _seed_people()
    police_rows, acute_rows, prison_rows = [], [], []
    for n, s in enumerate(seeds, start=1):
        day = (today - dt.timedelta(days=40 + n)).isoformat()
        police_rows.append(
            [
                f"CU{n:011d}",
                s.police_ref,
                s.pnc,
                s.family.upper(),
                s.given,
                s.dob.isoformat(),
                s.address,
                s.postcode,
                "arrest",
                day,
            ]
        )
        if s.key != "refused":
            acute_rows.append(
                [
                    f"AE{n:011d}",
                    s.acute_ref,
                    s.nhs,
                    s.family,
                    s.given,
                    s.dob.isoformat(),
                    s.postcode,
                    "ae_attendance",
                    day,
                ]
            )
        prison_rows.append(
            [
                f"PR{n:011d}",
                s.prison_ref,
                s.prison,
                s.pnc,
                s.family,
                s.given,
                s.dob.isoformat(),
                "prison_reception",
                day,
            ]
        )
    # One more hospital record that differs in its date of birth: a pair for the review queue.
    stranger = next(s for s in seeds if s.key == "stranger")
    acute_rows.append(
        [
            f"AE{99:011d}",
            "RTX9990077",
            "",
            stranger.family,
            stranger.given,
            "1969-11-12",
            stranger.postcode,
            "ae_attendance",
            (today - dt.timedelta(days=3)).isoformat(),
        ]
    )
    files = {}
    for code, header, rows in [
        (
            "police",
            [
                "event_id",
                "record_ref",
                "pnc_id",
                "surname",
                "forenames",
                "date_of_birth",
                "address",
                "postcode",
                "event_type",
                "event_date",
            ],
            police_rows,
        ),
        (
            "acute",
            [
                "event_id",
                "record_ref",
                "nhs_number",
                "family_name",
                "given_name",
                "date_of_birth",
                "postcode",
                "event_type",
                "event_date",
            ],
            acute_rows,
        ),
        (
            "prison",
            [
                "event_id",
                "record_ref",
                "prison_number",
                "pnc_id",
                "family_name",
                "given_name",
                "date_of_birth",
                "event_type",
                "event_date",
            ],
            prison_rows,
        ),
    ]:
        outcome = extract_import(
            agency=agencies[code], content=_csv(header, rows), filename=f"{code}.csv", channel="upload", actor=None
        )
        assert outcome.accepted, (code, [str(p) for p in outcome.problems][:5])
        files[code] = outcome.file
    for s in seeds:
        record = SourceRecord.objects.get(agency=agencies["police"], record_ref=s.police_ref)
        s.person = Person.objects.get(pk=PersonLink.objects.get(record=record, ended_at__isnull=True).person_id)
        Person.objects.filter(pk=s.person.pk).update(address_line=s.address, postcode=s.postcode, town="Tideford")
        s.person.refresh_from_db()
        if not s.person.identifiers.filter(kind="nhs").exists() and s.key != "refused":
            identifier_add(person=s.person, kind="nhs", value=s.nhs, agency=None, actor=None)
        if not s.person.identifiers.filter(kind="prison").exists():
            identifier_add(person=s.person, kind="prison", value=s.prison, agency=None, actor=None)
    people = {s.key: s for s in seeds}
    # A pair for the review queue: the stranger's odd hospital record and another person's police record.
    odd = SourceRecord.objects.get(record_ref="RTX9990077")
    other = SourceRecord.objects.get(record_ref=people["action"].police_ref)
    first, second = sorted([odd, other], key=lambda r: r.pk)
    candidate = MatchCandidate.objects.create(area=area, record_a=first, record_b=second, probability=0.61)
    P = {k: s.person for k, s in people.items()}  # noqa: N806

    # --- Coordination: meetings, referrals, caseload, plans, contacts, services, actions -----------------
    coord, coord_b, manager = users["coordinator"], users["coordinator_b"], users["manager"]
    last = co.meeting_create(area=area, held_on=today - dt.timedelta(days=28), chair=manager, actor=manager)
    upcoming = co.meeting_create(area=area, held_on=today + dt.timedelta(days=3), chair=manager, actor=manager)
    for code in ("link", "police", "acute"):
        co.attendance_record(meeting=last, agency=agencies[code], attendee_name="Attending", actor=manager)
    co.attendance_record(meeting=upcoming, agency=agencies["link"], attendee_name="Attending", actor=manager)

    def accepted(key: str, coordinator: User, basis: str = SharingBasis.AGREEMENT, agency: str = "police") -> Any:
        referral = co.referral_create(
            person=P[key],
            referrer_kind=ReferrerKind.AGENCY,
            from_agency=agencies[agency],
            offer="We will keep seeing them.",
            reasons="Repeated custody and A&E visits.",
            sharing_basis=basis,
            received_on=today - dt.timedelta(days=35),
            actor=users["practitioner_police"],
        )
        co.referral_decide(referral=referral, meeting=last, accept=True, reason="Meets the pattern.", actor=manager)
        episode = SupportEpisode.objects.get(person=P[key], ended_on__isnull=True)
        co.coordinator_allocate(episode=episode, coordinator=coordinator, on=last.held_on, actor=manager)
        return referral

    accepted("coordinated", coord, basis=SharingBasis.CONSENT)  # the services asked may see them
    co.plan_version_create(
        person=P["coordinated"],
        in_their_words="A door I can lock.",
        goals=[co.GoalInput(PlanDomain.HOUSING, "A flat of their own")],
        review_due_on=today + dt.timedelta(days=20),
        agreed_with_person=True,
        actor=coord,
    )
    co.contact_record(person=P["coordinated"], kind=ContactKind.VISIT, occurred_on=today, note="Seen.", actor=coord)
    declined = co.service_request(
        person=P["coordinated"], agency=agencies["dat"], service=ServiceKind.DRUG_TREATMENT, actor=coord
    )
    co.service_update(
        involvement=declined,
        status=InvolvementStatus.DECLINED,
        on=today,
        decline_reason=DeclineReason.BEHAVIOUR,
        actor=users["practitioner_dat"],
    )
    co.safeguarding_raise(
        person=P["coordinated"],
        to_agency=agencies["asc"],
        concern="Financial abuse by an associate.",
        has_care_and_support_needs=True,
        experiencing_or_at_risk_of_abuse=True,
        unable_to_protect_self=True,
        actor=coord,
    )
    assessment = co.needs_assessment_request(person=P["coordinated"], to_agency=agencies["asc"], actor=coord)
    co.cpa_record(person=P["coordinated"], status="on_cpa", care_coordinator="Named nurse", actor=coord)
    coord_action = co.action_create(
        area=area,
        meeting=last,
        person=P["coordinated"],
        description="Register with a GP",
        owner=coord,
        due_on=today - dt.timedelta(days=2),
        actor=manager,
    )
    co.decision_record(meeting=last, text="Agreed a joint visit.", person=P["coordinated"], actor=manager)

    # Former: support ended ten days ago (the coordinator keeps closing work for 90 days).
    accepted("former", coord_b)
    co.episode_exit(
        episode=SupportEpisode.objects.get(person=P["former"], ended_on__isnull=True),
        ended_on=today - dt.timedelta(days=10),
        destination=ExitDestination.NO_LONGER_NEEDS,
        actor=coord_b,
    )
    # Died: a death review the manager carries out.
    accepted("died", coord_b)
    co.episode_exit(
        episode=SupportEpisode.objects.get(person=P["died"], ended_on__isnull=True),
        ended_on=today - dt.timedelta(days=5),
        destination=ExitDestination.DIED,
        actor=coord_b,
    )
    # Referred: waiting for the group; the police referred them with consent.
    pending = co.referral_create(
        person=P["referred"],
        referrer_kind=ReferrerKind.AGENCY,
        from_agency=agencies["police"],
        offer="Custody nurse will keep in touch.",
        reasons="Five arrests this year.",
        sharing_basis=SharingBasis.CONSENT,
        received_on=today - dt.timedelta(days=2),
        actor=users["practitioner_police"],
    )
    # Consent: the drug and alcohol service is asked for treatment, on a referral made with consent.
    accepted("consent", coord, basis=SharingBasis.CONSENT, agency="police")
    consent_service = co.service_request(
        person=P["consent"], agency=agencies["dat"], service=ServiceKind.DRUG_TREATMENT, actor=coord
    )
    # Agreement: housing is involved under an information-sharing agreement with no consent referral.
    accepted("agreement", coord_b, basis=SharingBasis.AGREEMENT, agency="acute")
    co.service_request(person=P["agreement"], agency=agencies["housing"], service=ServiceKind.HOSTEL, actor=coord_b)
    isa = InformationSharingAgreement.objects.create(
        area=area, name="Tideford ISA", starts_on=today - dt.timedelta(days=400)
    )
    isa.agencies.add(agencies["housing"], agencies["link"])
    # Refused: the police hold records but the person said no to sharing with them.
    for code in ("police", "prison"):
        acc.sharing_choice_set(person=P["refused"], agency=agencies[code], share=False, actor=coord)
    # Action: the mental health practitioner owns an open action about this person.
    owned_action = co.action_create(
        area=area,
        meeting=last,
        person=P["action"],
        description="Offer an assessment",
        owner=users["practitioner_mh"],
        due_on=today + dt.timedelta(days=5),
        actor=None,  # seeded as the system: nobody at the meeting may see this person (that is the point)
    )
    # Self: the person's own sign-in.
    person_user = UserFactory(
        area=area, agency=None, role=Role.PERSON, username="selfuser", first_name="Own", last_name="Account"
    )
    PersonAccount.objects.create(user=person_user, person=P["self"])
    users["person"] = person_user
    # Break-glass: the acute practitioner broke the glass for this person.
    grant = acc.break_glass_open(
        person=P["breakglass"], reason="Found unconscious; need next of kin.", actor=users["practitioner_acute"]
    )

    # --- Identification: NDT, alerts, outcomes ---------------------------------------------------------
    ndt = NdtAssessment.objects.create(
        person=P["coordinated"], assessed_on=today - dt.timedelta(days=20), total=30, **ndt_items_for_total(30)
    )
    # A recent alert gives the housing team a relationship with the person; an old one (past the 90
    # days an alert counts as a relationship) about the stranger does not.
    alert = Alert.objects.create(
        person=P["agreement"], agency=agencies["housing"], kind="arrest", message="Arrested twice this month."
    )
    old_alert = Alert.objects.create(
        person=P["stranger"], agency=agencies["housing"], kind="arrest", message="Arrested again."
    )
    Alert.objects.filter(pk=old_alert.pk).update(created_at=timezone.now() - dt.timedelta(days=200))
    outcome_status_record(
        person=P["coordinated"], kind="housing", value="hostel", recorded_on=today - dt.timedelta(days=1), actor=coord
    )

    # --- Accountability: inquiries, subject access -----------------------------------------------------
    inquiry = acc.inquiry_submit(
        area=area,
        requester_name="A Relative",
        requester_email="relative@example.org",
        requester_connection="Sibling",
        subject_name=f"{people['died'].given} {people['died'].family}",
        subject_details="Lived in Tideford.",
        question="What support did they get?",
        ip_address="127.0.0.1",
    )
    acc.inquiry_triage(
        inquiry=inquiry, accept=True, person=P["died"], note="Found.", actor=users["accountable_officer"]
    )
    published = acc.inquiry_submit(
        area=area,
        requester_name="A Councillor",
        requester_email="cllr@example.org",
        requester_connection="Councillor",
        subject_name=f"{people['former'].given} {people['former'].family}",
        subject_details="Ward resident.",
        question="Were they helped?",
        ip_address="127.0.0.1",
    )
    acc.inquiry_triage(
        inquiry=published, accept=True, person=P["former"], note="Found.", actor=users["accountable_officer"]
    )
    acc.inquiry_answer(
        inquiry=published,
        response="Support was coordinated for six months.",
        public_summary="A person was supported by the coordination service for six months.",
        actor=users["accountable_officer"],
    )
    acc.inquiry_publish(inquiry=published, actor=users["accountable_officer"])
    sar = acc.sar_log(person=P["agreement"], received_on=today, actor=users["privacy_officer"])

    # --- Intake: a token, a job ------------------------------------------------------------------------
    token, _secret = token_create(agency=agencies["police"], label="Custody system", actor=users["administrator"])
    job = Job.objects.create(kind="intake.import", params={}, created_by=users["administrator"])

    # --- Finance ------------------------------------------------------------------------------------------
    finance = _finance(area, P["coordinated"], users["commissioner"], coord)

    # --- Identification definitions and triggers -----------------------------------------------------------
    from tide.identification.models import Definition, TriggerRule
    from tide.identification.services import definitions_install_shipped, trigger_rule_create

    definitions_install_shipped(actor=None)
    trigger = trigger_rule_create(
        area=area,
        event_type="arrest",
        applies_to=TriggerRule.AppliesTo.MEETS,
        recipient=TriggerRule.Recipient.AGENCY,
        agency=agencies["housing"],
        actor=users["administrator"],
    )

    # --- Risk and safety markers: one on the coordinated person (their coordinator set it), one on the
    # stranger, whose reason nobody without a relationship may read ------------------------------------------
    from tide.people.models import RiskKind, RiskMarker
    from tide.people.services import risk_marker_set

    marker = risk_marker_set(
        person=P["coordinated"],
        kind=RiskKind.DO_NOT_VISIT_ALONE,
        reason="Threatened a worker with a bottle at the hostel door; meet in the office with a colleague.",
        review_on=today + dt.timedelta(days=60),
        actor=coord,
    )
    RiskMarker.objects.create(
        person=P["stranger"],
        kind=RiskKind.VIOLENCE_TO_STAFF,
        reason="Assaulted a support worker in the day centre.",
        set_by=users["administrator"],
        set_on=today,
        review_on=today + dt.timedelta(days=30),
    )

    from tide.service_use.services import event_type_save

    local_type = event_type_save(
        area=area,
        actor=users["administrator"],
        code="gp_refused_registration",
        label="GP refused registration",
        domain="health",
        unit="event",
        crisis=False,
        bearing_agency=None,
    )

    objects: dict[str, Any] = {
        "risk_marker": marker,
        "risk_marker_stranger": RiskMarker.objects.get(person=P["stranger"]),
        "event_type": local_type,
        "meeting": last,
        "meeting_upcoming": upcoming,
        "referral_pending": pending,
        "declined_involvement": declined,
        "consent_involvement": consent_service,
        "action_coordinator": coord_action,
        "action_owned": owned_action,
        "assessment": assessment,
        "death_review": DeathReview.objects.get(episode__person=P["died"]),
        "safeguarding": P["coordinated"].safeguarding_concerns.get(),
        "break_glass": grant,
        "message": _first_message(),
        "inquiry": inquiry,
        "inquiry_published": Inquiry.objects.get(pk=published.pk, status=InquiryStatus.PUBLISHED),
        "sar": sar,
        "token": token,
        "job": job,
        "files": files,
        "alert": alert,
        "alert_old": old_alert,
        "ndt": ndt,
        "trigger": trigger,
        "definition": Definition.objects.order_by("code").first(),
        "candidate": candidate,
        "records": {s.key: SourceRecord.objects.get(record_ref=s.police_ref) for s in seeds},
        "extract_files": list(ExtractFile.objects.filter(area=area).order_by("pk")),
        "tokens": list(AgencyToken.objects.all()),
        **finance,
    }
    return World(area=area, agencies=agencies, people=people, users=users, objects=objects)


def _finance(area: Area, person: Any, commissioner: User, coordinator: User) -> dict[str, Any]:
    from tide.finance import services as fin
    from tide.finance.models import OutcomeRate, PriceRule, UnitCost

    edition, _deflators = fin.reference_data_load(actor=None)
    fin.price_map_seed(area=area, edition=edition, actor=None)
    fin.outcome_rate_card_seed(area=area, actor=None)
    found: dict[str, Any] = {
        "unit_cost": UnitCost.objects.filter(edition=edition).order_by("pk").first(),
        "price_rule": PriceRule.objects.filter(area=area).order_by("pk").first(),
    }
    from tide.finance.models import PoolScenario

    scenario = PoolScenario.objects.create(
        area=area, name="Equal shares", method="savings", budget=Decimal("100000"), created_by=commissioner
    )
    found["scenario"] = scenario
    found["rate"] = OutcomeRate.objects.filter(area=area).order_by("pk").first()
    return found


def _first_message() -> Any:
    """The outbox row of the break-glass alert (or any message) for the outbox's retry route."""
    from tide.messages.models import Message

    return Message.objects.order_by("pk").first()
