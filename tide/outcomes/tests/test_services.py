import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tide.core.models import AuditEvent
from tide.core.timeline import timeline_for
from tide.outcomes.models import FrameworkVersion, OutcomeStatus
from tide.outcomes.services import framework_version_create, outcome_status_record
from tide.testing.factories import PersonFactory


def version(area, actor, **kwargs):
    data = {
        "area": area,
        "measures": ["arrest"],
        "baseline_quarters": 4,
        "follow_up_quarters": 8,
        "change_summary": "First agreed framework.",
        "agreed_by": "Strategic board",
        "agreed_on": dt.date(2026, 1, 5),
        "actor": actor,
    }
    data.update(kwargs)
    return framework_version_create(**data)


def test_versions_are_numbered_in_turn_and_kept(area, coordinator):
    first = version(area, coordinator)
    second = version(area, coordinator, measures=["arrest", "ae_attendance"], change_summary="Add A&E.")
    assert (first.number, second.number) == (1, 2)
    assert FrameworkVersion.objects.filter(area=area).count() == 2
    assert AuditEvent.objects.filter(action="outcomes.framework_version_created").count() == 2


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"measures": ["made_up"]}, "measures"),
        ({"measures": []}, "measures"),
        ({"agreed_by": "  "}, "agreed_by"),
        ({"agreed_on": dt.date(2999, 1, 1)}, "agreed_on"),
        ({"baseline_quarters": 0}, "baseline_quarters"),
    ],
)
def test_a_bad_version_is_refused_and_writes_nothing(area, coordinator, override, field):
    with pytest.raises(ValidationError) as error:
        version(area, coordinator, **override)
    assert field in error.value.message_dict
    assert not FrameworkVersion.objects.exists()
    assert not AuditEvent.objects.filter(action="outcomes.framework_version_created").exists()


def _coordinated(person, coordinator):
    from tide.coordination.models import SupportEpisode

    SupportEpisode.objects.create(person=person, coordinator=coordinator, started_on=dt.date(2024, 1, 1))
    return person


def test_status_must_fit_its_kind_and_date(area, coordinator):
    person = _coordinated(PersonFactory(area=area, died_on=dt.date(2026, 1, 1)), coordinator)
    with pytest.raises(ValidationError, match="housing situation options"):
        outcome_status_record(
            person=person, kind="housing", value="in_treatment", recorded_on=dt.date(2025, 1, 1), actor=coordinator
        )
    with pytest.raises(ValidationError, match="after the person died"):
        outcome_status_record(
            person=person, kind="housing", value="hostel", recorded_on=dt.date(2026, 2, 1), actor=coordinator
        )
    assert not OutcomeStatus.objects.exists()


def test_statuses_appear_on_the_persons_timeline(area, coordinator):
    person = _coordinated(PersonFactory(area=area), coordinator)
    outcome_status_record(
        person=person,
        kind="family_contact",
        value="regular",
        recorded_on=dt.date(2025, 3, 1),
        in_their_words="I see my sister",
        actor=coordinator,
    )
    entries = [e for e in timeline_for(person, coordinator) if e.kind == "outcome status"]
    assert entries[0].title == "Contact with family: Regular contact"
    assert entries[0].url == f"/outcomes/people/{person.pk}/"


def test_outcomes_report_command_prints_and_exports(area, supported_cohort, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("outcomes_report", "--area", area.code, "--quarter", "1", stdout=out)
    assert "12 people started support" in out.getvalue()
    assert "A&E attendances" in out.getvalue()
    path = tmp_path / "figures.csv"
    call_command("outcomes_report", "--area", area.code, "--csv", str(path), stdout=StringIO())
    assert path.read_text().startswith("measure,label,domain")
    with pytest.raises(CommandError, match="No area"):
        call_command("outcomes_report", "--area", "nowhere")
    with pytest.raises(CommandError, match="--quarter"):
        call_command("outcomes_report", "--area", area.code, "--quarter", "99")


def test_a_status_about_someone_the_user_may_not_see_is_refused(area, settings):
    """Issue 18, finding 4's class: the service checks need-to-know, so every caller is covered."""
    from django.core.exceptions import PermissionDenied

    from tide.areas.models import Role
    from tide.testing.fixtures import make_user

    settings.TIDE_NEED_TO_KNOW = "strict"
    stranger = make_user(area, Role.PRACTITIONER)
    person = PersonFactory(area=area)
    with pytest.raises(PermissionDenied):
        outcome_status_record(
            person=person, kind="housing", value="hostel", recorded_on=dt.date(2025, 1, 1), actor=stranger
        )
    assert not OutcomeStatus.objects.exists()
